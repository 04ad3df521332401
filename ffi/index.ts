// index.ts — the engine binding's public surface: import from "ffi/index.ts".
export { Engine, type StepResult, type RunOptions } from "./engine.ts";
export { describe, keyInfo, parseDescription } from "./describe.ts";
export type {
  EngineDescription, KeyInfo, KeyType, KeyValue, Geometry, PresetInfo, PluginInfo, PolicyInfo, IoEngineInfo,
  BackendInfo, KernelInfo,
} from "./describe.ts";
export { library, loadLibrary, type Library, type LoadOptions } from "./library.ts";
export { ensureLibrary, libraryIsStale, ENGINE_DIR, LIBRARY_FILE } from "./build.ts";
export { generateModel, checkModel, importModel } from "./model-files.ts";
export { ensureModel, resolveGeometry, modelName, type ModelSpec, type ModelRef } from "./models.ts";
export { Status, TbError, statusName } from "./status.ts";
export { TB_ABI_VERSION } from "./symbols.ts";
