export function precompileSchemas(root: string, outFile: string): Promise<void>;
