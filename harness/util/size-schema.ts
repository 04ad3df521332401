// Zod schema of a size field: text like "9.8GB" or a number of bytes in, bytes out.
// The unit rules live in sizes.ts; this only adapts them to schema validation.
import { z } from "zod";
import { parseSize, SizeError } from "./sizes.ts";

export function sizeSchema() {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      return parseSize(v);
    } catch (e) {
      if (!(e instanceof SizeError)) throw e;
      ctx.issues.push({ code: "custom", message: e.message, input: v });
      return z.NEVER;
    }
  });
}
