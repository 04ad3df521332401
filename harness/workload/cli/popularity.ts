// `bun run trace popularity <profile.json> -o <file> --layers L --experts E`: a measured expert
// activation profile → the popularity file that routing.popularity reads.

import { defineCommand } from "citty";
import { writeFileSync } from "node:fs";
import { fitPopularity, popularityText, PROFILE_LAYER_MAPS, readProfile, type ProfileLayerMap } from "../profile-popularity.ts";
import { explainErrors, positiveInt } from "./shared-args.ts";

export const popularityCommand = defineCommand({
  meta: { name: "popularity", description: "turn an expert activation profile into a popularity file (routing.popularity)" },
  args: {
    profile: { type: "positional", required: true, description: "activation profile JSON (mlx-moe profiles format)" },
    out: { type: "string", alias: "o", required: true, description: "popularity file to write" },
    layers: { type: "string", required: true, description: "model layers" },
    experts: { type: "string", required: true, description: "experts per layer" },
    "layer-map": { type: "enum", options: [...PROFILE_LAYER_MAPS], default: "exact", description: "profile layers → model layers" },
    "resample-experts": { type: "boolean", default: false, description: "stretch the popularity curve to another expert count" },
  },
  run: ({ args }) => explainErrors("popularity", () => {
    const fitted = fitPopularity(readProfile(args.profile), positiveInt(args.layers, "layers")!, positiveInt(args.experts, "experts")!,
      args["layer-map"] as ProfileLayerMap, args["resample-experts"], args.profile);
    writeFileSync(args.out, popularityText(fitted, args.profile));
    console.log(`${args.out}: ${fitted.layers} layers × ${fitted.experts} experts`);
  }),
});
