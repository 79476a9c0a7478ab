/** metadx version, recorded in results and manifests (kept equal to package.json by a test). */
export const METADX_VERSION = '0.1.0';
/** Version of the statistics engine; part of the results cache key. Bump when numbers may change. */
export const ENGINE_VERSION = '0.1.0';
