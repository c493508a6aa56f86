// URL checks of the Connections commands that decide where a secret may go. Pure (no `vscode`), unit-tested.

/** True when both strings are absolute URLs with the same origin (scheme, host and port). */
export function sameOrigin(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    // Credentials in a URL (`https://node@evil.example`) are never "the same place".
    if (ua.username || ua.password || ub.username || ub.password) return false;
    return ua.origin !== 'null' && ua.origin === ub.origin;
  } catch {
    return false;
  }
}

/**
 * The Azure DevOps URL a node reports when it is the node's own emulator (same origin as the node), else
 * undefined. Only then is the node token also its PAT; a look-alike (`https://node.example.com.evil.example`,
 * `https://node.example.com@evil.example`) gets nothing.
 */
export function nodeOwnAdoUrl(nodeUrl: string, adoUrl: string | null | undefined): string | undefined {
  if (!adoUrl) return undefined;
  return sameOrigin(nodeUrl, adoUrl) ? adoUrl : undefined;
}
