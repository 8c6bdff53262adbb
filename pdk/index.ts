// Package entry for `import { ... } from "@proto-ts/pdk"`: asc 0.28 resolves
// a bare package import to `<package>/index.ts` and ignores `ascMain`.
export * from "./assembly/pdk";
