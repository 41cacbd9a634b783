// Shell safety for rendered scripts (render stage): one quoting function and a table of safe patterns that spec values
// must match before they reach a script. Quoting alone keeps scripts correct; the patterns catch values Azure or
// Docker would reject anyway, so the user hears about them at compile time instead of half-way through a script.

/**
 * Quotes any string for bash as one word: single quotes, with each embedded `'` written as `'\''`.
 * Everything between single quotes is literal, so `$`, backticks, `;`, newlines and `\` arrive intact.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Kinds of values that reach scripts, each with the pattern Azure/Docker/POSIX accepts for it. */
export type ShellValueKind =
  | 'resourceGroup'
  | 'location'
  | 'iotHub'
  | 'deviceId'
  | 'registryName'
  | 'registryAddress'
  | 'envName'
  | 'imageRef'
  | 'imageTag'
  | 'httpsUrl'
  | 'sha256'
  | 'mlWorkspace'
  | 'mlModelName'
  | 'moduleName'
  | 'relativePath'
  | 'subscription'
  | 'deploymentId'
  | 'word';

interface SafePattern {
  pattern: RegExp;
  /** What the value must look like, for the diagnostic. */
  describe: string;
}

/** The rule table. Patterns follow the services' own naming rules (Azure naming rules, Docker reference grammar). */
export const SAFE_PATTERNS: Readonly<Record<ShellValueKind, SafePattern>> = {
  resourceGroup: { pattern: /^[-\w.()]{0,89}[-\w()]$/, describe: '1-90 letters, digits, _ - . ( ), not ending in a period' },
  location: { pattern: /^[a-z][a-z0-9]{1,40}$/, describe: 'an Azure region name such as eastus' },
  iotHub: { pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{1,48}[A-Za-z0-9])$/, describe: '3-50 letters, digits and hyphens' },
  // IoT Hub allows more characters in device ids than this; these are the ones a script can carry without surprises.
  deviceId: { pattern: /^[A-Za-z0-9][A-Za-z0-9._:+@=-]{0,127}$/, describe: 'up to 128 letters, digits and . _ : + @ = -' },
  registryName: { pattern: /^[A-Za-z0-9]{5,50}$/, describe: '5-50 letters and digits' },
  registryAddress: {
    pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/,
    describe: 'a host name with an optional :port, lower case',
  },
  envName: { pattern: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, describe: 'a POSIX environment variable name' },
  imageRef: {
    pattern: /^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    describe: 'a Docker image reference such as registry.example.com/team/name:tag',
  },
  imageTag: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, describe: 'up to 128 letters, digits, _ . -, not starting with . or -' },
  httpsUrl: {
    pattern: /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%!$&'()*+,;=:@\/-]*)?(\?[A-Za-z0-9._~%!$&'()*+,;=:@\/?-]*)?$/,
    describe: 'an https:// URL without spaces or fragments',
  },
  sha256: { pattern: /^[a-f0-9]{64}$/, describe: '64 lower-case hex digits' },
  mlWorkspace: { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/, describe: '3-33 letters, digits, _ and -' },
  mlModelName: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, describe: 'letters, digits, _ . -' },
  moduleName: { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, describe: 'letters, digits, _ and -' },
  relativePath: { pattern: /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\/ -]+$/, describe: 'a relative path without ..' },
  subscription: {
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    describe: 'a subscription GUID',
  },
  word: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, describe: 'a single word of letters, digits, _ . -' },
  deploymentId: {
    pattern: /^[a-z0-9-:+%_#*?!(),=@;$']{1,128}$/,
    describe: "lower-case letters, digits and - : + % _ # * ? ! ( ) , = @ ; $ '",
  },
};

export function isSafeShellValue(kind: ShellValueKind, value: string): boolean {
  return SAFE_PATTERNS[kind].pattern.test(value);
}

/** Thrown by a renderer when a value that should have been rejected by checkScriptValues reaches it anyway. */
export class UnsafeShellValueError extends Error {
  constructor(
    readonly kind: ShellValueKind,
    readonly label: string,
  ) {
    super(`Refusing to render ${label}: it must be ${SAFE_PATTERNS[kind].describe}.`);
    this.name = 'UnsafeShellValueError';
  }
}

/** Validates then quotes: the one way a spec value enters a script. */
export function quoteChecked(kind: ShellValueKind, value: string, label: string): string {
  if (!isSafeShellValue(kind, value)) throw new UnsafeShellValueError(kind, label);
  return shellQuote(value);
}
