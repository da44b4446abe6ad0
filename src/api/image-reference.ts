/**
 * Container image references as the container runtimes parse them (the grammar of github.com/distribution/reference,
 * which containerd, CRI-O and Docker share): `[registry[:port]/]path[:tag][@digest]`. The path is lowercase; the
 * registry host is not (it is a DNS name); a tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, so `4.1.2-RC1` or `Latest`
 * are valid tags; a digest is `<algorithm>:<hex>` (sha256: 64 hex digits, sha512: 128).
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
// The first component is a registry host only with a "." or a port, or as localhost or [IPv6] (as the runtimes split
// it); otherwise it is part of the (lowercase) path. No lookahead: the apiserver checks the CRD pattern with RE2.
const PORT = '(?::[0-9]+)?';
const DOMAIN = `(?:localhost${PORT}|\\[[0-9a-fA-F:]+\\]${PORT}|${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+${PORT}|${DOMAIN_COMPONENT}:[0-9]+)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}';
export const IMAGE_REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** The runtimes' limit on the name (registry and path, without tag and digest). */
const MAX_NAME_LENGTH = 255;
/** The longest reference: a name of 255, a tag of 128 and a sha512 digest. */
export const IMAGE_REFERENCE_MAX_LENGTH = MAX_NAME_LENGTH + 1 + 128 + 1 + 7 + 128;

/** Why `ref` is not an image reference, or undefined when it is one. */
export function imageReferenceProblem(ref: string): string | undefined {
  const match = IMAGE_REFERENCE.exec(ref);
  if (!match) {
    const name = ref.split('@')[0]!.replace(/:[^/]*$/, '');
    const path = name.includes('/') && /[.:]|^localhost\//.test(name.split('/')[0]!) ? name.slice(name.indexOf('/') + 1) : name;
    if (/[A-Z]/.test(path)) return `the repository ${path} has capital letters; repositories are lowercase (only the registry host and the tag may have capitals)`;
    return 'is not an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], with a lowercase repository and a tag of up to 128 letters, digits, "_", "." and "-"';
  }
  const [, domain, path] = match;
  const nameLength = (domain === undefined ? 0 : domain.length + 1) + path!.length;
  if (nameLength > MAX_NAME_LENGTH) return `the image name is ${nameLength} characters long; at most ${MAX_NAME_LENGTH} are allowed`;
  return undefined;
}
