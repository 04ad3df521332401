// Turns the flat field table into nested strict objects ("machine.ram" → machine: {ram}):
// unknown keys are errors at every level; a section is optional unless it holds a required
// field, and filled in when it holds a field with a fallback.
import { z } from "zod";
import type { Field } from "./fields.ts";

interface Node {
  field?: Field;
  children: Map<string, Node>;
}

export function nest(fields: Field[]): Record<string, z.ZodType> {
  const root: Node = { children: new Map() };
  for (const f of fields) {
    let node = root;
    for (const seg of f.path.split(".")) {
      if (!node.children.has(seg)) node.children.set(seg, { children: new Map() });
      node = node.children.get(seg)!;
    }
    node.field = f;
  }
  return shapeOf(root);
}

function shapeOf(node: Node): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, child] of node.children) shape[name] = schemaOf(child);
  return shape;
}

function schemaOf(node: Node): z.ZodType {
  const f = node.field;
  if (f) {
    if (f.required) return f.schema;
    return f.fallback !== undefined ? f.schema.prefault(f.fallback) : f.schema.optional();
  }
  const obj = z.strictObject(shapeOf(node));
  if (someField(node, (x) => !!x.required)) return obj;
  return someField(node, (x) => x.fallback !== undefined) ? obj.prefault({}) : obj.optional();
}

function someField(node: Node, pred: (f: Field) => boolean): boolean {
  if (node.field) return pred(node.field);
  for (const c of node.children.values()) if (someField(c, pred)) return true;
  return false;
}
