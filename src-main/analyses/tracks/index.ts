// The track model of a run (issue 16): what the timeline and the CLI report draw.
export { runTracks, assignDepths, DEFAULT_MAX_ITEMS, DEFAULT_BUCKETS } from './run-tracks.ts';
export { trackSetToWire, trackToWire } from './wire.ts';
export type { Track, TrackSet, TrackWindow, TrackSlice, TrackPoint, TrackFlow, TrackBucket, TrackLaneInfo, TrackArgs, SliceTrack, CounterTrack, FlowTrack } from './types.ts';
