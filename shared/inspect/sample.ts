/**
 * The name under which the image browser opens the sample checkpoint shipped with Stasis (assets/sample-checkpoint.tar.zst,
 * made by scripts/make-sample-checkpoint.sh): the backend resolves it to the file wherever this build keeps it, so a
 * newcomer sees the browser with nothing set up. Not a path: no real file can have this name.
 */
export const SAMPLE_CHECKPOINT = 'stasis:sample';
