// Semantic versions (semver.org 2.0): enough to sort a tool's releases and
// pick the latest stable one in `load_versions`.

export class Semver {
  private constructor(
    readonly major: u64,
    readonly minor: u64,
    readonly patch: u64,
    /** Dot-separated pre-release identifiers, e.g. ["rc", "1"]; empty for a release. */
    readonly prerelease: string[],
    /** Build metadata after `+` (ignored for ordering). */
    readonly build: string,
  ) {}

  /** Parses `1.2.3`, `v1.2.3`, `1.2.3-rc.1+build.5`; null when not semver. */
  static parse(text: string): Semver | null {
    let rest = text.trim();
    if (rest.startsWith("v") || rest.startsWith("V")) rest = rest.substring(1);
    let build = "";
    const plus = rest.indexOf("+");
    if (plus >= 0) {
      build = rest.substring(plus + 1);
      rest = rest.substring(0, plus);
      if (!isIdentifierList(build)) return null;
    }
    let prerelease = new Array<string>(0);
    const dash = rest.indexOf("-");
    if (dash >= 0) {
      const pre = rest.substring(dash + 1);
      rest = rest.substring(0, dash);
      if (!isIdentifierList(pre)) return null;
      prerelease = pre.split(".");
    }
    const core = rest.split(".");
    if (core.length != 3) return null;
    const major = parseNumericIdentifier(core[0]);
    const minor = parseNumericIdentifier(core[1]);
    const patch = parseNumericIdentifier(core[2]);
    if (major < 0 || minor < 0 || patch < 0) return null;
    return new Semver(<u64>major, <u64>minor, <u64>patch, prerelease, build);
  }

  get isPrerelease(): bool {
    return this.prerelease.length > 0;
  }

  /** Negative, zero or positive as this sorts before, with or after `other`. */
  compare(other: Semver): i32 {
    if (this.major != other.major) return this.major < other.major ? -1 : 1;
    if (this.minor != other.minor) return this.minor < other.minor ? -1 : 1;
    if (this.patch != other.patch) return this.patch < other.patch ? -1 : 1;
    return comparePrerelease(this.prerelease, other.prerelease);
  }

  toString(): string {
    let text = this.major.toString() + "." + this.minor.toString() + "." + this.patch.toString();
    if (this.prerelease.length > 0) text += "-" + this.prerelease.join(".");
    if (this.build.length > 0) text += "+" + this.build;
    return text;
  }
}

/**
 * The highest of `versions` by semver precedence, skipping strings that are
 * not semver and, unless `includePrereleases`, pre-releases; null if none.
 * Returns the string as given (so `v1.2.3` stays `v1.2.3`).
 */
export function highestVersion(versions: string[], includePrereleases: bool = false): string | null {
  let best: Semver | null = null;
  let bestText: string | null = null;
  for (let i = 0; i < versions.length; i++) {
    const parsed = Semver.parse(versions[i]);
    if (parsed === null) continue;
    if (parsed.isPrerelease && !includePrereleases) continue;
    if (best === null || parsed.compare(best) > 0) {
      best = parsed;
      bestText = versions[i];
    }
  }
  return bestText;
}

/** Orders two version strings; non-semver strings sort before all versions. */
export function compareVersions(a: string, b: string): i32 {
  const left = Semver.parse(a);
  const right = Semver.parse(b);
  if (left === null) return right === null ? 0 : -1;
  if (right === null) return 1;
  return left.compare(right);
}

// Precedence rules 11.3–11.4 of semver.org: a release sorts after its
// pre-releases; identifiers compare numerically when both are numeric,
// numeric ones sort first, otherwise ASCII order; a longer list wins a tie.
function comparePrerelease(left: string[], right: string[]): i32 {
  if (left.length == 0 || right.length == 0) {
    if (left.length == right.length) return 0;
    return left.length == 0 ? 1 : -1;
  }
  const shared = min(left.length, right.length);
  for (let i = 0; i < shared; i++) {
    const a = left[i];
    const b = right[i];
    const numberA = parseNumericIdentifier(a);
    const numberB = parseNumericIdentifier(b);
    if (numberA >= 0 && numberB >= 0) {
      if (numberA != numberB) return numberA < numberB ? -1 : 1;
      continue;
    }
    if (numberA >= 0) return -1;
    if (numberB >= 0) return 1;
    if (a != b) return a < b ? -1 : 1;
  }
  if (left.length == right.length) return 0;
  return left.length < right.length ? -1 : 1;
}

/** A numeric identifier (digits, no leading zero) as a number; -1 otherwise. */
function parseNumericIdentifier(text: string): i64 {
  if (text.length == 0 || text.length > 18) return -1;
  if (text.length > 1 && text.charCodeAt(0) == 0x30) return -1;
  let value: i64 = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + <i64>(code - 0x30);
  }
  return value;
}

/** Non-empty dot-separated identifiers of [0-9A-Za-z-]. */
function isIdentifierList(text: string): bool {
  const parts = text.split(".");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.length == 0) return false;
    for (let j = 0; j < part.length; j++) {
      const code = part.charCodeAt(j);
      const alphanumeric = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
      if (!alphanumeric && code != 0x2d) return false;
    }
  }
  return true;
}
