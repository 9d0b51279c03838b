import { usePrecompiledSchemas, type PrecompiledSchemas } from '../../shared/criu/schemas';

/**
 * Hands the reader the decoders the build generated (dist/node/precompiled-schemas.mjs, beside the CLI's chunks
 * folder). Run from source (tests) there is none, and protobufjs generates them as it goes.
 */
export async function loadPrecompiledSchemas(): Promise<void> {
  try {
    const mod = (await import(new URL('../precompiled-schemas.mjs', import.meta.url).href)) as { default: PrecompiledSchemas };
    usePrecompiledSchemas(mod.default);
  } catch {
    // Not built: the run-time path is the same code, only slower to start.
  }
}
