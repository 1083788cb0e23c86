import { createRequire } from 'node:module';
import type * as Arrow from 'apache-arrow';

/**
 * apache-arrow ships separate CJS and ESM builds. LanceDB's dist is CJS, so an ESM
 * `import 'apache-arrow'` yields a second copy whose classes fail LanceDB's `instanceof`
 * checks ("Table and inner RecordBatch schemas must be equivalent"). Loading it through
 * `require` gives us the very instance LanceDB uses.
 */
export const arrow = createRequire(import.meta.url)('apache-arrow') as typeof Arrow;

export type ArrowSchema = Arrow.Schema;
export type ArrowTable = Arrow.Table;

/** Column values for one record batch; vector columns take one flat Float32Array. */
export type ColumnValues = Record<string, readonly unknown[] | Float32Array>;

/**
 * Builds an Arrow table straight from columns. Passing plain objects to LanceDB makes it
 * infer types row by row and it rejects Float32Array vectors, so we build batches ourselves.
 */
export function buildArrowTable(
  schema: Arrow.Schema,
  columns: ColumnValues,
  length: number,
): Arrow.Table {
  const children = schema.fields.map((field) => {
    const values = columns[field.name];
    if (values === undefined) throw new Error(`missing column ${field.name}`);
    if (arrow.DataType.isFixedSizeList(field.type)) {
      const flat = values as Float32Array;
      const size = (field.type as Arrow.FixedSizeList).listSize;
      if (flat.length !== length * size)
        throw new Error(`column ${field.name}: expected ${length * size} floats`);
      const child = arrow.makeData({ type: new arrow.Float32(), length: flat.length, data: flat });
      return arrow.makeData({ type: field.type, length, nullCount: 0, child });
    }
    return arrow.vectorFromArray(values as unknown[], field.type).data[0]!;
  });
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length,
    nullCount: 0,
    children,
  });
  return new arrow.Table([new arrow.RecordBatch(schema, struct)]);
}
