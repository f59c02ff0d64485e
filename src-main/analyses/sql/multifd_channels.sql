-- multifd_channels: per trace and multifd channel, the packets it sent (source: multifd_send
-- in 7.2/8.x, multifd_send_fill + multifd_send_ram_fill in 9.x+) or received (destination:
-- multifd_recv, multifd_recv_unfill in 9.x+).
--   run_id    traces.run_id of the trace
--   pages     normal pages carried (NULL where the version's events do not give them: a 9.x+
--             destination's multifd_recv_unfill has none)
--   bytes     payload carried: each packet's next_packet_size, the size of the data that
--             follows its header as the header itself announces it (MultiFDPacket_t, filled by
--             multifd_send_fill_packet and read back by multifd_recv_unfill_packet, so both
--             sides trace the same figure: the page data, compressed size with compression,
--             device state in 10.x). Up to 8.0 multifd_send_thread never resets
--             p->next_packet_size, so a packet without pages (a sync packet) repeats the
--             previous packet's size although nothing follows it (multifd_recv_thread reads
--             data only when normal_num > 0): such packets count 0. From 8.1 it is reset to 0
--             after every data packet, so 9.x+'s page-less multifd_recv_unfill is exact.
--             Where a packet event lacks the size, pages x 4096 (the x86/arm target page
--             size). Packet headers are excluded, so QEMU's multifd-bytes is this plus the
--             header of each packet (7.2: 320 bytes + 8 per page slot)
--   active_ms first to last packet of the channel; mbps = bytes over active_ms (megabits/s)
-- packets_at_end / pages_at_end are the thread's own totals (multifd_*_thread_end), which
-- include sync packets.
-- multifd_throughput(bucket_ms): the same per channel, in time buckets of bucket_ms width.
CREATE OR REPLACE VIEW multifd_packets AS
SELECT trace_id, side, ts_ns, seq, id AS channel, packet_num, pages,
       CASE WHEN pages = 0 THEN 0 ELSE coalesce(next_packet_size, pages * 4096) END AS bytes, next_packet_size, event
FROM {{events multifd_send|multifd_send_fill|multifd_recv|multifd_recv_unfill:
       id INTEGER, packet_num UBIGINT, pages=normal|used BIGINT, next_packet_size BIGINT}}
UNION ALL
-- 9.x+ reports a packet's pages in a separate event (multifd_send_ram_fill); its bytes are on
-- the packet's multifd_send_fill.
SELECT trace_id, side, ts_ns, seq, id, NULL, normal, NULL, NULL, event
FROM {{events multifd_send_ram_fill: id INTEGER, normal BIGINT}};

CREATE OR REPLACE VIEW multifd_channels AS
WITH p AS (
  SELECT trace_id, side, channel,
         count(*) FILTER (WHERE event <> 'multifd_send_ram_fill') AS packets,
         sum(pages) AS pages, sum(bytes) AS bytes,
         min(ts_ns) AS first_ts_ns, max(ts_ns) AS last_ts_ns
  FROM multifd_packets GROUP BY trace_id, side, channel
),
e AS (
  SELECT trace_id, id AS channel, max(packets) AS packets_at_end, max(pages) AS pages_at_end
  FROM {{events multifd_send_thread_end|multifd_recv_thread_end: id INTEGER, packets BIGINT, pages=normal_pages|pages BIGINT}}
  GROUP BY trace_id, id
)
SELECT t.run_id, p.trace_id, p.side, p.channel, p.packets, p.pages, p.bytes, p.first_ts_ns, p.last_ts_ns,
       (p.last_ts_ns - p.first_ts_ns) / 1e6 AS active_ms,
       p.bytes * 8 / nullif((p.last_ts_ns - p.first_ts_ns) / 1e3, 0) AS mbps,
       e.packets_at_end, e.pages_at_end
FROM p LEFT JOIN e USING (trace_id, channel)
LEFT JOIN traces t ON t.trace_id = p.trace_id
ORDER BY p.trace_id, p.channel;

CREATE OR REPLACE MACRO multifd_throughput(bucket_ms) AS TABLE
SELECT t.run_id, m.trace_id, m.side, m.channel,
       (m.ts_ns // (bucket_ms * 1000000)::BIGINT) * (bucket_ms * 1000000)::BIGINT AS bucket_ts_ns,
       count(*) FILTER (WHERE m.event <> 'multifd_send_ram_fill') AS packets,
       sum(m.pages) AS pages, sum(m.bytes) AS bytes,
       coalesce(sum(m.bytes), 0) * 8 / (bucket_ms * 1000.0) AS mbps
FROM multifd_packets m LEFT JOIN traces t ON t.trace_id = m.trace_id
GROUP BY ALL
ORDER BY m.trace_id, m.channel, bucket_ts_ns;
