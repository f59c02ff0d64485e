import { Engine } from '../src-main/service/engine.ts';
const e = await Engine.open('/tmp/qtw/x.duckdb');
const r = await e.openInputs(['../shared/samples/qemu-7.2.22-log/b-multifd4/src.log'], { catalogues: ['../shared/catalogues/qemu-7.2.22-debian/trace-events-all'] }, {onMessage: console.log});
console.log(r.traces.length, r.errors);
e.close();
console.log('closed');
