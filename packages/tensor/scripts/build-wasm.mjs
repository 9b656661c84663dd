// Placeholder until the wasm kernels land: the build compiles AssemblyScript here.
