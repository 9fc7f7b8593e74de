import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Rules = ReturnType<Storage['getTargetValidationMetadatas']>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const CACHED = Symbol.for('oauth-server.validationMetadataCache');

/**
 * Remembers which rules apply to a class between validations.
 *
 * class-validator 0.14 answers "which rules apply to this class" anew on every validation, and finds
 * the inherited ones by testing the class against every class that has rules (`instanceof`, then
 * filters and a concat). The cost of each validated request body thus grows with the number of DTO
 * classes in the whole server (bench/validation-pair.cjs measures it), though the answer only
 * changes when a rule is declared, which
 * happens while modules load. The storage is the library's process-wide one, so this wraps the two
 * methods on that one object (not the class): the answer is kept per class and arguments, and
 * forgotten whenever a rule is added (`addValidationMetadata`, which schemas use too). The grouping
 * of those rules by property, also rebuilt per validation, is kept with them. The library's
 * callers read both results and never change them (ValidationExecutor, Nest's ValidationPipe).
 * Idempotent: installing it twice wraps once.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { [CACHED]?: true };
  if (marked[CACHED]) return;
  marked[CACHED] = true;

  const rulesOf = storage.getTargetValidationMetadatas.bind(storage);
  const groupOf = storage.groupByPropertyName.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  let byTarget = new Map<unknown, Map<string, Rules>>();
  let grouped = new WeakMap<Rules, Grouped>();

  storage.addValidationMetadata = (metadata) => {
    addRule(metadata);
    byTarget = new Map();
    grouped = new WeakMap();
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${String(schema)}\u0000${always}\u0000${strictGroups}\u0000${groups === undefined ? '' : JSON.stringify(groups)}`;
    let answers = byTarget.get(target);
    if (!answers) byTarget.set(target, (answers = new Map()));
    let rules = answers.get(key);
    if (!rules) {
      rules = rulesOf(target, schema, always, strictGroups, groups);
      answers.set(key, rules);
      grouped.set(rules, groupOf(rules));
    }
    return rules;
  };

  // Only the arrays answered above are known to be unchanged; any other is grouped afresh.
  storage.groupByPropertyName = (rules) => grouped.get(rules) ?? groupOf(rules);
}
