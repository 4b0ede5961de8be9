// Independent Parquet oracle for Parity's tests: arrow-rs (parquet-wasm) reads and writes the
// files, apache-arrow (JS) builds and inspects the in-memory tables. Nothing here shares code
// with Parity's own reader or writer.
//
//   node parquet_oracle.mjs read FILE [FILE...]
//     Prints one JSON object per file, one per line: num_rows, created_by, key_value_metadata, schema (name, arrow
//     type, nullable per top-level field), columns (name -> one value per row: null, a number,
//     a string, a list), row_groups (num_rows and per column chunk: path, compression,
//     encodings, num_values).
//   node parquet_oracle.mjs write SPEC.json OUT.parquet [SPEC.json OUT.parquet...]
//     Writes a file from each JSON spec (see "Spec" below) and prints {"ok":true} once.
// Several files per call keep the tests from paying node's start-up once per file.
//
// Value conventions in JSON (both directions): int64 and timestamps are JSON integers on
// output (exact, any magnitude) and integers or decimal strings on input; NaN / Infinity /
// -Infinity and -0 are the strings "NaN", "Infinity", "-Infinity", "-0"; binary values
// without a string logical type are lower-case hex strings; lists are arrays; nulls are null.
// Errors go to stderr with exit code 1.

import { readFileSync, writeFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';

const kBigIntTag = '__oracle_bigint__';

function fail(message) {
  process.stderr.write(`parquet_oracle: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- read

function float_to_json(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

// One value of `data` (an arrow.Data chunk) at `i`, already known to be valid.
function value_at(data, i) {
  const type = data.type;
  const j = data.offset + i;
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const byte = data.values[j >> 3];
      return ((byte >> (j & 7)) & 1) === 1;
    }
    case arrow.Type.Int:
      if (type.bitWidth === 64) return `${kBigIntTag}${data.values[j]}`;
      return data.values[j];
    case arrow.Type.Float:
      return float_to_json(data.values[j]);
    case arrow.Type.Timestamp:
    case arrow.Type.Date:
    case arrow.Type.Time:
      if (data.values instanceof BigInt64Array || data.values instanceof BigUint64Array)
        return `${kBigIntTag}${data.values[j]}`;
      return data.values[j];
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const begin = Number(data.valueOffsets[j]);
      const end = Number(data.valueOffsets[j + 1]);
      const bytes = data.values.subarray(begin, end);
      if (type.typeId === arrow.Type.Utf8 || type.typeId === arrow.Type.LargeUtf8)
        return Buffer.from(bytes).toString('utf8');
      return hex(bytes);
    }
    case arrow.Type.List:
    case arrow.Type.LargeList: {
      const begin = Number(data.valueOffsets[j]);
      const end = Number(data.valueOffsets[j + 1]);
      const child = data.children[0];
      const out = [];
      for (let k = begin; k < end; ++k) out.push(is_valid(child, k) ? value_at(child, k) : null);
      return out;
    }
    case arrow.Type.FixedSizeList: {
      const n = type.listSize;
      const child = data.children[0];
      const out = [];
      for (let k = j * n; k < (j + 1) * n; ++k)
        out.push(is_valid(child, k) ? value_at(child, k) : null);
      return out;
    }
    case arrow.Type.Dictionary: {
      const key = Number(data.values[j]);
      const dict = data.dictionary.data[0];
      return value_at(dict, key);
    }
    default:
      fail(`unsupported arrow type ${type}`);
  }
  return null;
}

function is_valid(data, i) {
  if (!data.nullBitmap || data.nullCount === 0) return true;
  const j = data.offset + i;
  return ((data.nullBitmap[j >> 3] >> (j & 7)) & 1) === 1;
}

const kCompressionNames = {
  [pq.Compression.UNCOMPRESSED]: 'UNCOMPRESSED',
  [pq.Compression.SNAPPY]: 'SNAPPY',
  [pq.Compression.GZIP]: 'GZIP',
  [pq.Compression.BROTLI]: 'BROTLI',
  [pq.Compression.LZ4]: 'LZ4',
  [pq.Compression.ZSTD]: 'ZSTD',
  [pq.Compression.LZ4_RAW]: 'LZ4_RAW',
  [pq.Compression.LZO]: 'LZO',
};
const kEncodingNames = Object.fromEntries(
    Object.entries(pq.Encoding).filter(([k]) => Number.isNaN(Number(k))).map(([k, v]) => [v, k]));

async function read_command(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
  const file = await pq.ParquetFile.fromFile(new Blob([bytes]));
  const meta = file.metadata();
  const file_meta = meta.fileMetadata();
  const kv = {};
  for (const [k, v] of file_meta.keyValueMetadata()) kv[k] = v;
  const row_groups = meta.rowGroups().map((rg) => ({
    num_rows: rg.numRows(),
    columns: rg.columns().map((c) => ({
      path: c.columnPath(),
      compression: kCompressionNames[c.compression()] ?? String(c.compression()),
      encodings: c.encodings().map((e) => kEncodingNames[e] ?? String(e)),
      num_values: c.numValues(),
    })),
  }));

  const wasm_table = pq.readParquet(new Uint8Array(bytes));
  const table = arrow.tableFromIPC(wasm_table.intoIPCStream());
  const schema = table.schema.fields.map((f) => ({
    name: f.name,
    type: String(f.type),
    nullable: f.nullable,
  }));
  const columns = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    const out = [];
    for (const data of vector.data)
      for (let i = 0; i < data.length; ++i) out.push(is_valid(data, i) ? value_at(data, i) : null);
    columns[field.name] = out;
  }
  const result = {
    num_rows: file_meta.numRows(),
    created_by: file_meta.createdBy() ?? null,
    key_value_metadata: kv,
    schema,
    columns,
    row_groups,
  };
  const text = JSON.stringify(result).replace(new RegExp(`"${kBigIntTag}(-?[0-9]+)"`, 'g'), '$1');
  process.stdout.write(text + '\n');
}

// ---------------------------------------------------------------- write

// Spec:
// {
//   "compression": "UNCOMPRESSED" | "SNAPPY" | "GZIP" | "ZSTD" | "LZ4_RAW",   (default UNCOMPRESSED)
//   "data_page_version": 1 | 2,             (default 1)
//   "dictionary": false,                    (default for every column)
//   "encoding": "PLAIN" | ...,              (optional: every column's encoding, or fallback
//                                             when dictionary is on; the only way to reach
//                                             list leaves, since parquet-wasm takes a column
//                                             path as one string segment)
//   "row_group_size": rows,                 (optional)
//   "data_page_size": bytes,                (optional)
//   "write_batch_size": rows,               (optional; rows per page-size check)
//   "key_value_metadata": {"k": "v"},       (optional)
//   "columns": [{
//     "name": "x",
//     "type": "boolean" | "int32" | "int64" | "float" | "double" | "string" | "binary" |
//             "timestamp_ms" | "timestamp_us" | "timestamp_ns" | "list<float>" | "list<double>" |
//             "list<int32>" | "list<int64>",
//     "nullable": true,                     (default true)
//     "encoding": "PLAIN" | "DELTA_BINARY_PACKED" | ... ,   (optional; the fallback when
//                                                             dictionary is on; flat columns)
//     "dictionary": true | false,           (optional, overrides the global flag; flat columns)
//     "values": [...]                       (one per row; null for a null row)
//   }]
// }

function parse_float(v) {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  if (typeof v !== 'number') fail(`expected a number, found ${JSON.stringify(v)}`);
  return v;
}

function validity(values) {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let null_count = 0;
  values.forEach((v, i) => {
    if (v === null) ++null_count;
    else bitmap[i >> 3] |= 1 << (i & 7);
  });
  return { bitmap, null_count };
}

function primitive_data(type_name, values) {
  const { bitmap, null_count } = validity(values);
  const length = values.length;
  const base = { length, nullCount: null_count, nullBitmap: null_count ? bitmap : null };
  switch (type_name) {
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, i) => { if (v) bits[i >> 3] |= 1 << (i & 7); });
      return arrow.makeData({ ...base, type: new arrow.Bool(), data: bits });
    }
    case 'int32':
      return arrow.makeData({ ...base, type: new arrow.Int32(),
                              data: Int32Array.from(values, (v) => v ?? 0) });
    case 'int64':
    case 'timestamp_ms':
    case 'timestamp_us':
    case 'timestamp_ns': {
      const type = {
        int64: () => new arrow.Int64(),
        timestamp_ms: () => new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, 'UTC'),
        timestamp_us: () => new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'),
        timestamp_ns: () => new arrow.Timestamp(arrow.TimeUnit.NANOSECOND, 'UTC'),
      }[type_name]();
      return arrow.makeData({ ...base, type,
                              data: BigInt64Array.from(values, (v) => BigInt(v ?? 0)) });
    }
    case 'float':
      return arrow.makeData({ ...base, type: new arrow.Float32(),
                              data: Float32Array.from(values, (v) => v === null ? 0 : parse_float(v)) });
    case 'double':
      return arrow.makeData({ ...base, type: new arrow.Float64(),
                              data: Float64Array.from(values, (v) => v === null ? 0 : parse_float(v)) });
    case 'string':
    case 'binary': {
      const chunks = values.map((v) => v === null ? Buffer.alloc(0)
                                      : type_name === 'string' ? Buffer.from(v, 'utf8')
                                                               : Buffer.from(v, 'hex'));
      const offsets = new Int32Array(length + 1);
      chunks.forEach((c, i) => { offsets[i + 1] = offsets[i] + c.length; });
      const type = type_name === 'string' ? new arrow.Utf8() : new arrow.Binary();
      return arrow.makeData({ ...base, type, valueOffsets: offsets,
                              data: new Uint8Array(Buffer.concat(chunks)) });
    }
    default:
      fail(`unsupported column type ${type_name}`);
  }
  return null;
}

function column_data(spec) {
  const m = /^list<(.*)>$/.exec(spec.type);
  if (!m) return primitive_data(spec.type, spec.values);
  const { bitmap, null_count } = validity(spec.values);
  const flat = [];
  const offsets = new Int32Array(spec.values.length + 1);
  spec.values.forEach((v, i) => {
    if (v !== null) flat.push(...v);
    offsets[i + 1] = flat.length;
  });
  const child = primitive_data(m[1], flat);
  const type = new arrow.List(new arrow.Field('element', child.type, true));
  return arrow.makeData({ type, length: spec.values.length, nullCount: null_count,
                          nullBitmap: null_count ? bitmap : null, valueOffsets: offsets, child });
}

function enum_value(enum_object, name, what) {
  const v = enum_object[name];
  if (v === undefined) fail(`unknown ${what} ${JSON.stringify(name)}`);
  return v;
}

function write_command(spec_path, out_path) {
  const spec = JSON.parse(readFileSync(spec_path, 'utf8'));
  const fields = [];
  const children = [];
  let length = null;
  for (const col of spec.columns) {
    const data = column_data(col);
    if (length !== null && data.length !== length)
      fail(`column ${col.name}: ${data.length} values, expected ${length}`);
    length = data.length;
    fields.push(new arrow.Field(col.name, data.type, col.nullable ?? true));
    children.push(data);
  }
  const schema = new arrow.Schema(fields);
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length: length ?? 0,
                                  nullCount: 0, children });
  const table = new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
  const ipc = arrow.tableToIPC(table, 'stream');

  let builder = new pq.WriterPropertiesBuilder()
      .setCompression(enum_value(pq.Compression, spec.compression ?? 'UNCOMPRESSED', 'compression'))
      .setWriterVersion((spec.data_page_version ?? 1) === 2 ? pq.WriterVersion.V2 : pq.WriterVersion.V1)
      .setDictionaryEnabled(spec.dictionary ?? false)
      .setStatisticsEnabled(pq.EnabledStatistics.Chunk);
  if (spec.encoding) builder = builder.setEncoding(enum_value(pq.Encoding, spec.encoding, 'encoding'));
  if (spec.row_group_size) builder = builder.setMaxRowGroupSize(spec.row_group_size);
  if (spec.data_page_size) builder = builder.setDataPageSizeLimit(spec.data_page_size);
  if (spec.write_batch_size) builder = builder.setWriteBatchSize(spec.write_batch_size);
  if (spec.key_value_metadata)
    builder = builder.setKeyValueMetadata(new Map(Object.entries(spec.key_value_metadata)));
  for (const col of spec.columns) {
    if (/^list</.test(col.type) && (col.dictionary !== undefined || col.encoding))
      fail(`column ${col.name}: per-column settings cannot reach list leaves; use the global ones`);
    if (col.dictionary !== undefined) builder = builder.setColumnDictionaryEnabled(col.name, col.dictionary);
    if (col.encoding) builder = builder.setColumnEncoding(col.name, enum_value(pq.Encoding, col.encoding, 'encoding'));
  }
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(ipc), builder.build());
  writeFileSync(out_path, bytes);
}

// ---------------------------------------------------------------- main

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'read' && args.length >= 1) {
    for (const file of args) {
      try {
        await read_command(file);
      } catch (e) {
        fail(`${file}: ${e && e.stack ? e.stack : String(e)}`);
      }
    }
  } else if (command === 'write' && args.length >= 2 && args.length % 2 === 0) {
    for (let i = 0; i < args.length; i += 2) {
      try {
        write_command(args[i], args[i + 1]);
      } catch (e) {
        fail(`${args[i]}: ${e && e.stack ? e.stack : String(e)}`);
      }
    }
    process.stdout.write('{"ok":true}\n');
  } else {
    fail('usage: parquet_oracle.mjs read FILE [FILE...] | write SPEC.json OUT.parquet [...]');
  }
} catch (e) {
  fail(e && e.stack ? e.stack : String(e));
}
