// `bun run trace convert <input> -o <out.tbtrace>`: JSON lines or CSV → tierbench's binary trace,
// metadata beside it (<out>.json); prints the shape and how gaps were handled.

import { defineCommand } from "citty";
import { convertText, textFormatOf } from "../routing-input.ts";
import { writeTrace } from "../trace-file.ts";
import { writeMeta } from "../trace-meta.ts";
import { TraceError } from "../trace-error.ts";
import { conversionArgs, conversionOptions, explainErrors } from "./shared-args.ts";

export const convertCommand = defineCommand({
  meta: { name: "convert", description: "convert JSON lines or CSV routing into a binary trace" },
  args: {
    input: { type: "positional", required: true, description: "routing file (.jsonl or .csv)" },
    out: { type: "string", alias: "o", required: true, description: "binary trace to write (.tbtrace)" },
    ...conversionArgs,
  },
  run: ({ args }) => explainErrors("convert", () => {
    const o = conversionOptions(args);
    const format = o.format ?? textFormatOf(args.input);
    if (!format) throw new TraceError(args.input, null, "unknown input format: name it .jsonl or .csv, or pass --format");
    const { trace, meta } = convertText(args.input, format, o);
    writeTrace(args.out, trace);
    writeMeta(args.out, meta);
    const g = meta.gaps;
    console.log(`${args.out}: ${trace.tokens} tokens × ${trace.layers} layers, ${trace.experts} experts, K=${trace.k}, ` +
      `${meta.segments.length} segment(s), gate weights ${trace.weights ? "kept" : "absent (1/K)"}`);
    console.log(`gaps (rule ${g.rule}): ${g.incompleteTokens} incomplete token(s), ${g.droppedTokens} dropped, ` +
      `${g.filledRecords} layer record(s) filled, ${g.missingTokenIndices} token index(es) absent`);
  }),
});
