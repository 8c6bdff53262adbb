/**
 * Typed shapes of proto's version specs (plugin-api §4.2). On the wire every spec is a string; these
 * types exist so that matching and resolution never re-parse text. Parsing lives in
 * `parse-spec.ts`, the canonical string form in `format-spec.ts`.
 */

/**
 * A fully qualified version: semantic (`1.2.3-rc.1+build.5`) or calendar (`2024-02-26`).
 * For calendar versions `major`/`minor`/`patch` hold year/month/day, and `patch === 0` means the
 * day was not written (`2024-02`).
 */
export interface Version {
  readonly calendar: boolean;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Without the leading `-`, e.g. `rc.1`. */
  readonly prerelease?: string;
  /** Without the leading `+`; ordered, but never used for matching. */
  readonly build?: string;
}

/** `*` is the wildcard operator of `1.x`, `1.2.*` and `*`; an omitted operator means `~`. */
export type RequirementOp = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

/** One comparator against a full or partial version; an undefined part was omitted or a wildcard. */
export interface Requirement {
  readonly calendar: boolean;
  readonly op: RequirementOp;
  readonly major?: number;
  readonly minor?: number;
  readonly patch?: number;
  readonly prerelease?: string;
}

/** One `||` branch of a range: requirements that must all match, or an inclusive `a - b`. */
export type RangeClause =
  | { readonly kind: 'all'; readonly requirements: readonly Requirement[] }
  | { readonly kind: 'between'; readonly lower: Version; readonly upper: Version };

/** proto's `UnresolvedVersionSpec`. */
export type UnresolvedSpec =
  | { readonly kind: 'canary' }
  | { readonly kind: 'alias'; readonly name: string }
  | { readonly kind: 'version'; readonly version: Version }
  | ({ readonly kind: 'requirement' } & Requirement)
  | { readonly kind: 'range'; readonly anyOf: readonly RangeClause[] };

export type SpecKind = UnresolvedSpec['kind'];
