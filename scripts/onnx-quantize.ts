// Dynamic int8 quantization of an fp32 ONNX model, as onnxruntime's `quantize_dynamic` does it with
// the settings transformers.js's convert.py uses for `onnx/model_quantized.onnx` (q8):
// weight_type QInt8, per_channel=True, reduce_range=True, activations QUInt8, MatMulConstBOnly.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type INodeProto = onnxProto.onnx.INodeProto;
const T = onnx.TensorProto.DataType;

/**
 * Returns the quantized model. What changes, node by node (the rest is kept as it is):
 * - `MatMul(x, W)` with W a [K, N] float initializer becomes
 *   `DynamicQuantizeLinear(x)` → `MatMulInteger(x_q, W_q, x_zp, W_zp)` → `Cast` → `Mul` by
 *   `Mul(x_scale, W_scale)`. W is int8, symmetric, one scale per output column, in [-64, 64]
 *   (reduce_range: 7 bits, so u8×s8 products cannot saturate int16 on AVX2 without VNNI).
 *   An activation feeding several MatMuls (Q, K and V) is quantized once, as onnxruntime does.
 *   onnxruntime's CPU provider fuses the chain into `MatMulIntegerToFloat` (the bias Add too) or
 *   `DynamicQuantizeMatMul`: int8 GEMMs (MLAS, VNNI where the CPU has it).
 * - `Gather(table, ids)` with a float initializer table becomes a Gather on the uint8 table
 *   (asymmetric, one scale for the whole table) and a `DequantizeLinear` of the rows it took.
 * - MatMuls between two activations (attention's Q·Kᵀ and P·V) stay fp32 (MatMulConstBOnly).
 */
export function quantizeDynamic(fp32: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(fp32);
  const graph = model.graph!;
  const initializers = new Map<string, ITensorProto>();
  for (const tensor of graph.initializer ?? []) initializers.set(tensor.name!, tensor);
  const floatInitializer = (name: string | undefined | null, rank: number) => {
    const tensor = name ? initializers.get(name) : undefined;
    return tensor && tensor.dataType === T.FLOAT && tensor.dims?.length === rank ? tensor : null;
  };

  const nodes: INodeProto[] = [];
  const added: ITensorProto[] = [];
  const replaced = new Set<string>();
  /** Activations already quantized: name → [quantized, scale, zero point]. */
  const dynamic = new Map<string, [string, string, string]>();
  const quantizeActivation = (name: string): [string, string, string] => {
    let outputs = dynamic.get(name);
    if (!outputs) {
      outputs = [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`];
      nodes.push({
        opType: 'DynamicQuantizeLinear',
        input: [name],
        output: outputs,
        name: `${name}_QuantizeLinear`,
      });
      dynamic.set(name, outputs);
    }
    return outputs;
  };

  for (const node of graph.node ?? []) {
    const [first, second] = node.input ?? [];
    const output = node.output?.[0];
    const weight = node.opType === 'MatMul' ? floatInitializer(second, 2) : null;
    const table =
      node.opType === 'Gather' &&
      !node.attribute?.some((a) => a.name === 'axis' && Number(a.i) !== 0)
        ? floatInitializer(first, 2)
        : null;
    if (weight && first && output) {
      const name = weight.name!;
      const [k, n] = weight.dims!.map(Number) as [number, number];
      const { values, scales } = perColumnInt8(floats(weight), k, n);
      added.push(
        tensor(`${name}_quantized`, [k, n], T.INT8, new Uint8Array(values.buffer)),
        tensor(`${name}_scale`, [n], T.FLOAT, bytesOf(scales)),
        tensor(`${name}_zero_point`, [n], T.INT8, new Uint8Array(n)),
      );
      replaced.add(name);
      const [xq, xScale, xZero] = quantizeActivation(first);
      const base = node.name ?? output;
      nodes.push(
        {
          opType: 'MatMulInteger',
          input: [xq, `${name}_quantized`, xZero, `${name}_zero_point`],
          output: [`${output}_output_quantized`],
          name: `${base}_quant`,
        },
        {
          opType: 'Cast',
          input: [`${output}_output_quantized`],
          output: [`${output}_output_quantized_cast_output`],
          name: `${base}_quant_output_scale_mul_cast`,
          attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.FLOAT }],
        },
        {
          opType: 'Mul',
          input: [xScale, `${name}_scale`],
          output: [`${base}_quant_scales_mul:0`],
          name: `${base}_quant_scales_mul`,
        },
        {
          opType: 'Mul',
          input: [`${output}_output_quantized_cast_output`, `${base}_quant_scales_mul:0`],
          output: [output],
          name: `${base}_quant_output_scale_mul`,
        },
      );
    } else if (table && second && output) {
      const name = table.name!;
      const { values, scale, zeroPoint } = perTensorUint8(floats(table));
      added.push(
        tensor(`${name}_quantized`, table.dims!.map(Number), T.UINT8, values),
        tensor(`${name}_scale`, [], T.FLOAT, bytesOf(new Float32Array([scale]))),
        tensor(`${name}_zero_point`, [], T.UINT8, new Uint8Array([zeroPoint])),
      );
      replaced.add(name);
      const base = node.name ?? output;
      nodes.push(
        { ...node, input: [`${name}_quantized`, second], output: [`${output}_quantized`] },
        {
          opType: 'DequantizeLinear',
          input: [`${output}_quantized`, `${name}_scale`, `${name}_zero_point`],
          output: [output],
          name: `${base}_DequantizeLinear`,
        },
      );
    } else {
      nodes.push(node);
    }
  }

  graph.node = nodes;
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => !replaced.has(t.name!)),
    ...added,
  ];
  // DynamicQuantizeLinear needs opset 11.
  for (const entry of model.opsetImport ?? []) {
    if (!entry.domain && Number(entry.version) < 11) entry.version = 11;
  }
  model.producerName = `${model.producerName ?? ''}+quire-quantize-dynamic`;
  return onnx.ModelProto.encode(model).finish();
}

/** Symmetric int8 per output column with reduce_range: q = round(w / scale), scale = max|w| / 64. */
export function perColumnInt8(
  w: Float32Array,
  k: number,
  n: number,
): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let col = 0; col < n; col++) {
    let max = 0;
    for (let row = 0; row < k; row++) max = Math.max(max, Math.abs(w[row * n + col]!));
    // onnxruntime: qmin, qmax = -64, 64 (7 bits, symmetric); scale = 2·max / (qmax − qmin).
    scales[col] = max > 0 ? max / 64 : 1;
  }
  const values = new Int8Array(k * n);
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < n; col++) {
      const q = roundHalfEven(w[row * n + col]! / scales[col]!);
      values[row * n + col] = Math.max(-64, Math.min(64, q));
    }
  }
  return { values, scales };
}

/** Asymmetric uint8 for the whole tensor, with 0 exactly representable (as onnxruntime does). */
export function perTensorUint8(w: Float32Array): {
  values: Uint8Array;
  scale: number;
  zeroPoint: number;
} {
  let min = 0;
  let max = 0;
  for (const v of w) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? (max - min) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, roundHalfEven(-min / scale)));
  const values = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++)
    values[i] = Math.max(0, Math.min(255, roundHalfEven(w[i]! / scale) + zeroPoint));
  return { values, scale: Math.fround(scale), zeroPoint };
}

/** numpy's rint, which onnxruntime's quantizer uses: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function floats(t: ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    // Copy: protobuf's bytes may not sit on a 4-byte boundary (and a Buffer's slice is a view).
    const raw = new Uint8Array(t.rawData);
    return new Float32Array(raw.buffer, 0, raw.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

const bytesOf = (a: Float32Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function tensor(name: string, dims: number[], dataType: number, rawData: Uint8Array): ITensorProto {
  return { name, dims, dataType, rawData };
}
