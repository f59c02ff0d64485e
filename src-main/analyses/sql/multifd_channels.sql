-- multifd_channels: per trace and multifd channel, the packets it sent (source: multifd_send
-- in 7.2/8.x, multifd_send_fill + multifd_send_ram_fill in 9.x+) or received (destination:
-- multifd_recv, multifd_recv_unfill in 9.x+).
--   pages     normal pages carried (NULL where the version's events do not give them)
--   bytes     page payload: pages x 4096 (the x86/arm target page size; packet headers excluded,
--             so QEMU's multifd-bytes is this plus ~1.3 KiB per packet)
--   active_ms first to last packet of the channel; mbps = bytes over active_ms (megabits/s)
-- packets_at_end / pages_at_end are the thread's own totals (multifd_*_thread_end), which
-- include sync packets.
-- multifd_throughput(bucket_ms): the same per channel, in time buckets of bucket_ms width.
CREATE OR REPLACE VIEW multifd_packets AS
SELECT trace_id, side, ts_ns, seq, id AS channel, packet_num, pages, pages * 4096 AS bytes, next_packet_size, event
FROM {{events multifd_send|multifd_send_fill|multifd_recv|multifd_recv_unfill:
       id INTEGER, packet_num UBIGINT, pages=normal|used BIGINT, next_packet_size BIGINT}}
UNION ALL
-- 9.x+ reports a packet's pages in a separate event (multifd_send_ram_fill).
SELECT trace_id, side, ts_ns, seq, id, NULL, normal, normal * 4096, NULL, event
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
SELECT p.trace_id, p.side, p.channel, p.packets, p.pages, p.bytes, p.first_ts_ns, p.last_ts_ns,
       (p.last_ts_ns - p.first_ts_ns) / 1e6 AS active_ms,
       p.bytes * 8 / nullif((p.last_ts_ns - p.first_ts_ns) / 1e3, 0) AS mbps,
       e.packets_at_end, e.pages_at_end
FROM p LEFT JOIN e USING (trace_id, channel)
ORDER BY p.trace_id, p.channel;

CREATE OR REPLACE MACRO multifd_throughput(bucket_ms) AS TABLE
SELECT trace_id, side, channel,
       (ts_ns // (bucket_ms * 1000000)::BIGINT) * (bucket_ms * 1000000)::BIGINT AS bucket_ts_ns,
       count(*) FILTER (WHERE event <> 'multifd_send_ram_fill') AS packets,
       sum(pages) AS pages, sum(bytes) AS bytes,
       coalesce(sum(bytes), 0) * 8 / (bucket_ms * 1000.0) AS mbps
FROM multifd_packets
GROUP BY ALL
ORDER BY trace_id, channel, bucket_ts_ns;
