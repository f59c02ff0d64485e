// What hosts use beside EngineService: the text forms and parsers the CLI prints and reads with,
// and the disk-full test a host's own file writes need. Re-exported here so that hosts import
// service/ (and contract.ts) only, never the layers below it.
export { cellText, toJsonValue, type CellValue, type ColumnInfo } from '../workspace/query.ts';
export { isDiskFull } from '../workspace/output-fs.ts';
export { parseOffsetNs } from '../analyses/clock-alignment.ts';
export { formatAlignment } from '../analyses/alignment/format.ts';
export { formatRuns } from '../analyses/runs/format.ts';
export { reportFromArgs, type CliReportSpec } from '../report/cli-spec.ts';
