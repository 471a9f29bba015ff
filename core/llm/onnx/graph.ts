/**
 * A small ONNX graph writer over the onnx-proto messages. Large initializers go to an external
 * data file as they are added (never all in memory at once); small ones stay inline.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const DT = onnx.TensorProto.DataType;
export type DataType = onnxProto.onnx.TensorProto.DataType;

export type AttrValue = number | number[] | string | { floats: number[] } | { float: number };

/** Bytes per element of the element types this project writes. */
const ELEMENT_BYTES: Partial<Record<DataType, number>> = {
  [DT.FLOAT]: 4,
  [DT.FLOAT16]: 2,
  [DT.INT64]: 8,
  [DT.INT32]: 4,
  [DT.UINT8]: 1,
  [DT.INT8]: 1,
};

/** Initializers at least this large go to the external data file. */
const EXTERNAL_MIN_BYTES = 1024;
const ALIGN = 64;

export class GraphWriter {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly fd: number;
  private readonly dataName: string;
  private offset = 0;
  private closed = false;
  private counter = 0;
  private readonly constants = new Map<string, string>();

  constructor(dataPath: string) {
    this.fd = openSync(dataPath, 'w');
    this.dataName = basename(dataPath);
  }

  /** A fresh value name with a readable prefix. */
  name(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, type: DataType, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: DataType, dims: (number | string)[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Adds a node; returns its output names (one fresh name per requested output). */
  node(op: string, inputs: string[], opts: { outputs?: string[] | number; attrs?: Record<string, AttrValue>; domain?: string; name?: string } = {}): string[] {
    const outs = Array.isArray(opts.outputs)
      ? opts.outputs
      : Array.from({ length: opts.outputs ?? 1 }, () => this.name(op.toLowerCase()));
    this.nodes.push({
      opType: op,
      domain: opts.domain ?? '',
      input: inputs,
      output: outs,
      name: opts.name ?? this.name(`n_${op}`),
      attribute: Object.entries(opts.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Shorthand for a one-output node. */
  op(op: string, inputs: string[], attrs?: Record<string, AttrValue>, domain?: string): string {
    return this.node(op, inputs, { attrs, domain })[0];
  }

  initializer(name: string, type: DataType, dims: number[], data: ArrayBufferView): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const expected = dims.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[type] ?? 0);
    if (expected !== bytes.length && !(type === DT.UINT8 && expected === 0)) {
      throw new Error(`initializer ${name}: ${bytes.length} bytes for dims [${dims}]`);
    }
    const t: onnxProto.onnx.ITensorProto = { name, dataType: type, dims };
    if (bytes.length >= EXTERNAL_MIN_BYTES) {
      const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
      if (pad) writeAll(this.fd, new Uint8Array(pad));
      this.offset += pad;
      writeAll(this.fd, bytes);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [
        { key: 'location', value: this.dataName },
        { key: 'offset', value: String(this.offset) },
        { key: 'length', value: String(bytes.length) },
      ];
      this.offset += bytes.length;
    } else {
      t.rawData = Uint8Array.from(bytes);
    }
    this.inits.push(t);
    return name;
  }

  /** A small constant, shared between nodes that ask for the same value. */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(this.name('const_i64'), DT.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
      this.constants.set(key, name);
    }
    return name;
  }

  constFloat(values: number[], dims: number[] = [values.length]): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(this.name('const_f32'), DT.FLOAT, dims, Float32Array.from(values));
      this.constants.set(key, name);
    }
    return name;
  }

  /** Closes the data file (idempotent); a build that fails calls it instead of finish(). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Finishes the data file and returns the encoded ModelProto. */
  finish(opts: { opset: number; msOpset?: number; producer: string; doc?: string }): Uint8Array {
    this.close();
    const opsets = [{ domain: '', version: opts.opset }];
    if (opts.msOpset) opsets.push({ domain: 'com.microsoft', version: opts.msOpset });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: opts.producer,
      docString: opts.doc ?? '',
      opsetImport: opsets,
      graph: { name: 'decoder', node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function valueInfo(name: string, type: DataType, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  return { name, type: A.FLOATS, floats: v.floats };
}
