/** What a PromQL expression reads: metric names, and label names (with the value of each `=` matcher). */
export interface PromqlReferences {
  readonly metrics: Set<string>;
  /** Label matchers by metric (`''`: a selector without a name); `value` only for `=`. */
  readonly matchers: { readonly metric: string; readonly label: string; readonly value?: string }[];
  /** Labels named in by / without / on / ignoring / group_left / group_right. */
  readonly grouping: Set<string>;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * A small reader of the PromQL in deploy/ (not a parser of the whole language): selectors with
 * their matchers, grouping clauses, and names that are not functions, keywords or numbers.
 */
export function promqlReferences(expression: string): PromqlReferences {
  const metrics = new Set<string>();
  const matchers: { metric: string; label: string; value?: string }[] = [];
  const grouping = new Set<string>();
  let rest = expression.replace(/\$__\w+/g, '5m');
  rest = rest.replace(/([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}/g, (_all, metric: string | undefined, body: string) => {
    for (const [, label, operator, value] of body.matchAll(/([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      matchers.push({ metric: metric ?? '', label, ...(operator === '=' ? { value } : {}) });
    }
    if (metric) metrics.add(metric);
    return ' ';
  });
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_all, _keyword, labels: string) => {
    for (const label of labels
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean))
      grouping.add(label);
    return ' ';
  });
  rest = rest.replace(/"[^"]*"/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  for (const [name] of rest.matchAll(/[A-Za-z_:][\w:]*(?!\s*\(|[\w:])/g)) {
    if (!KEYWORDS.has(name.toLowerCase()) && !/^\d/.test(name)) metrics.add(name);
  }
  return { metrics, matchers, grouping };
}
