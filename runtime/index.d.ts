/** Options of `init()` (docs/contract.md §1); every one can also be a `data-` attribute of the script tag. */
export interface NpsOptions {
  /** URL receiving batches (https, or http for localhost). Absent: local-only mode. */
  endpoint?: string;
  /** Journey step the answers belong to. Default "default". */
  touchpoint?: string;
  /** BCP 47 tag; default navigator.language. */
  locale?: string;
  /** Name used in the question. */
  company?: string;
  mode?: 'popup' | 'modal' | 'inline';
  /** CSS selector (or element) of the container for inline mode. */
  target?: string | Element;
  trigger?: 'auto' | 'manual';
  delayMs?: number;
  scrollPercent?: number;
  exitIntent?: boolean;
  recontactDays?: number;
  dismissDays?: number;
  /** Fraction 0..1 of eligible visitors who are asked. */
  sample?: number;
  /** Responses per POST, 1..50. */
  batchSize?: number;
  flushMs?: number;
  preview?: boolean;
  theme?: 'light' | 'dark' | 'auto';
  properties?: Properties;
  /** Body of each POST: the nps.batch/1 object, one response per line, or a JSON array. Default "nps". */
  format?: 'nps' | 'ndjson' | 'json-array';
  /** Content-Type of each POST; "text/plain" sends no CORS preflight. Default application/json (application/x-ndjson for ndjson). */
  contentType?: string;
  /** Extra request headers (string values), e.g. {apikey: "…"}; anything in a page is public. */
  headers?: Record<string, string>;
}

export type Properties = Record<string, string | number | boolean>;

export interface RecordInput {
  /** Integer 0..10; anything else throws a TypeError. */
  score: number;
  comment?: string;
  touchpoint?: string;
  properties?: Properties;
}

/** A response as sent to the endpoint (docs/contract.md §4). */
export interface NpsResponse {
  id: string;
  score: number;
  comment?: string;
  touchpoint: string;
  locale: string;
  answered_at: string;
  page: string;
  properties: Properties;
}

export interface Stats {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** null when n = 0 */
  nps: number | null;
  se: number | null;
  ci95: [number, number] | null;
}

/** `stats(filter, {distribution: true})`: the figures the live previews show. */
export interface StatsWithDistribution extends Stats {
  /** The health band; null when n = 0. */
  band: 'critical' | 'needs-work' | 'fair' | 'good' | 'excellent' | null;
  /** How many answers gave each score, 0 to 10 (11 numbers). */
  distribution: number[];
}

export interface FlushResult { sent: number; pending: number; deadLetters: number; }

/** A response the endpoint refused for good (or a full queue moved out: status 0, reason "queue-full"). */
export interface RefusedResponse { response: NpsResponse; status: number; reason: string; failed_at: string; }
/** Data the widget found unreadable in its storage, kept aside exactly as it was stored. */
export interface UnreadableData { reason: 'unreadable'; key: string; stored: string; }
export type DeadLetter = RefusedResponse | UnreadableData;

export interface EventDetails {
  shown: { touchpoint: string; mode: 'popup' | 'modal' | 'inline' };
  response: NpsResponse;
  sent: { count: number; ids: string[] };
  dismissed: { touchpoint: string };
  error: { count: number; ids: string[]; kind: 'retry' | 'refused'; status: number | null; reason?: string };
}
export type NpsEvent = keyof EventDetails;

export function init(options?: NpsOptions): Promise<void>;
export function show(properties?: Properties, options?: { force?: boolean }): void;
export function hide(): void;
export function record(input: RecordInput): Promise<NpsResponse | undefined>;
export function flush(): Promise<FlushResult>;
export function pending(): number;
export function stats(filter?: string | { touchpoint?: string } | null): Stats;
export function stats(filter: string | { touchpoint?: string } | null | undefined, options: { distribution: true }): StatsWithDistribution;
export function deadLetters(): DeadLetter[];
export function on<E extends NpsEvent>(event: E, handler: (detail: EventDetails[E]) => void): void;
export function off<E extends NpsEvent>(event: E, handler: (detail: EventDetails[E]) => void): void;
export function loaded(): Promise<void>;

declare global {
  interface Window {
    /** Defined by the script-tag loader (pkg/nps-widget.js). */
    NpsWidget: {
      ready: Promise<void>;
      init: typeof init; show: typeof show; hide: typeof hide; record: typeof record;
      flush: typeof flush; pending: typeof pending; stats: typeof stats;
      deadLetters: typeof deadLetters; on: typeof on; off: typeof off;
    };
  }
}
