// What Groovy adds to every object, list, string and map (a small, commonly used part of the GDK), for completion
// and so that `workItem.toString()` or `replica.with { … }` are never reported as unknown members.
// Types: `E` stands for the element type of the receiver list, `L` for the receiver list type itself.

export interface GdkMethod {
  name: string;
  /** Result type; `E` element, `L` the same list, or a plain type name. */
  returns: string;
  /** The closure argument receives an element (its first parameter / `it` is typed `E`). */
  closureOverElements?: boolean;
  doc: string;
}

/** Members every Groovy object has (GDK `DefaultGroovyMethods` on Object, plus Java's Object). */
export const OBJECT_MEMBERS = new Set([
  'toString', 'equals', 'hashCode', 'getClass', 'class', 'metaClass', 'getMetaClass', 'properties', 'getProperties',
  'with', 'tap', 'identity', 'inspect', 'dump', 'is', 'asBoolean', 'asType', 'invokeMethod', 'getProperty', 'setProperty',
  'respondsTo', 'hasProperty', 'each', 'eachWithIndex', 'find', 'findAll', 'collect', 'any', 'every', 'grep', 'split',
  'iterator', 'print', 'println', 'sprintf', 'sleep', 'use', 'isCase', 'getAt', 'putAt', 'asList',
]);

const m = (name: string, returns: string, doc: string, closureOverElements = false): GdkMethod => ({ name, returns, doc, closureOverElements });

/** List (and collection) methods. */
export const LIST_METHODS: GdkMethod[] = [
  m('each', 'L', 'Runs the closure for every element.', true),
  m('eachWithIndex', 'L', 'Runs the closure with every element and its index.', true),
  m('collect', 'List<Object>', 'A new list with the closure\'s result for every element.', true),
  m('collectEntries', 'Map', 'A map built from `[key, value]` pairs the closure returns for every element.', true),
  m('collectMany', 'List<Object>', 'The closure\'s lists for every element, concatenated.', true),
  m('find', 'E', 'The first element for which the closure is true, or null.', true),
  m('findAll', 'L', 'The elements for which the closure is true.', true),
  m('findResult', 'Object', 'The first non-null result of the closure.', true),
  m('findIndexOf', 'Integer', 'Index of the first element for which the closure is true, or -1.', true),
  m('any', 'Boolean', 'Whether the closure is true for at least one element.', true),
  m('every', 'Boolean', 'Whether the closure is true for every element.', true),
  m('count', 'Integer', 'How many elements the closure is true for.', true),
  m('groupBy', 'Map', 'A map from the closure\'s result to the elements that gave it.', true),
  m('countBy', 'Map', 'A map from the closure\'s result to how many elements gave it.', true),
  m('sort', 'L', 'The elements sorted (by the closure\'s result when one is given).', true),
  m('toSorted', 'L', 'A sorted copy.', true),
  m('unique', 'L', 'The list without duplicates (by the closure\'s result when one is given).', true),
  m('toUnique', 'L', 'A copy without duplicates.', true),
  m('inject', 'Object', 'Folds the elements into one value: `inject(start) { acc, e -> … }`.'),
  m('sum', 'Object', 'The sum of the elements (or of the closure\'s results).', true),
  m('max', 'E', 'The largest element (by the closure\'s result when one is given).', true),
  m('min', 'E', 'The smallest element (by the closure\'s result when one is given).', true),
  m('takeWhile', 'L', 'The leading elements for which the closure is true.', true),
  m('dropWhile', 'L', 'The elements after the leading ones for which the closure is true.', true),
  m('removeIf', 'Boolean', 'Removes the elements for which the closure is true.', true),
  m('first', 'E', 'The first element (fails on an empty list).'),
  m('last', 'E', 'The last element (fails on an empty list).'),
  m('head', 'E', 'The first element.'),
  m('tail', 'L', 'All elements but the first.'),
  m('take', 'L', 'The first n elements.'),
  m('drop', 'L', 'All but the first n elements.'),
  m('get', 'E', 'The element at an index.'),
  m('getAt', 'E', 'The element at an index (what `list[i]` calls).'),
  m('size', 'Integer', 'Number of elements.'),
  m('isEmpty', 'Boolean', 'Whether there are no elements.'),
  m('contains', 'Boolean', 'Whether the list holds the value.'),
  m('join', 'String', 'The elements as text, separated by the given string.'),
  m('add', 'Boolean', 'Appends an element.'),
  m('addAll', 'Boolean', 'Appends all elements of another collection.'),
  m('remove', 'Object', 'Removes an element or the element at an index.'),
  m('removeAll', 'Boolean', 'Removes every element that is in the other collection.'),
  m('retainAll', 'Boolean', 'Keeps only elements that are in the other collection.'),
  m('plus', 'L', 'A new list with the other elements appended (what `+` calls).'),
  m('minus', 'L', 'A new list without the other elements (what `-` calls).'),
  m('reverse', 'L', 'A reversed copy.'),
  m('flatten', 'List<Object>', 'Nested lists flattened into one.'),
  m('indexOf', 'Integer', 'Index of the value, or -1.'),
  m('toList', 'L', 'A copy as a list.'),
  m('toSet', 'Object', 'The elements as a set.'),
  m('asImmutable', 'L', 'A read-only view.'),
  m('stream', 'Object', 'A Java stream over the elements.'),
  m('withIndex', 'List<Object>', 'Pairs of element and index.'),
  m('intersect', 'L', 'Elements also in the other collection.'),
  m('disjoint', 'Boolean', 'Whether no element is in the other collection.'),
  m('clear', 'void', 'Removes all elements.'),
];

/** String methods (Java and GDK). */
export const STRING_METHODS: GdkMethod[] = [
  ['trim', 'String', 'The text without leading and trailing whitespace.'],
  ['toLowerCase', 'String', 'The text in lower case.'],
  ['toUpperCase', 'String', 'The text in upper case.'],
  ['contains', 'Boolean', 'Whether the text contains the given text.'],
  ['startsWith', 'Boolean', 'Whether the text starts with the given text.'],
  ['endsWith', 'Boolean', 'Whether the text ends with the given text.'],
  ['equalsIgnoreCase', 'Boolean', 'Whether both texts are equal ignoring case.'],
  ['replace', 'String', 'Every occurrence of one text replaced by another.'],
  ['replaceAll', 'String', 'Every match of a regular expression replaced.'],
  ['replaceFirst', 'String', 'The first match of a regular expression replaced.'],
  ['split', 'List<String>', 'The parts between matches of a regular expression.'],
  ['tokenize', 'List<String>', 'The words between separator characters.'],
  ['substring', 'String', 'Part of the text by index.'],
  ['take', 'String', 'The first n characters.'],
  ['drop', 'String', 'All but the first n characters.'],
  ['length', 'Integer', 'Number of characters.'],
  ['size', 'Integer', 'Number of characters.'],
  ['isEmpty', 'Boolean', 'Whether the text is empty.'],
  ['isBlank', 'Boolean', 'Whether the text is empty or only whitespace.'],
  ['indexOf', 'Integer', 'Index of the given text, or -1.'],
  ['capitalize', 'String', 'The text with its first letter in upper case.'],
  ['toInteger', 'Integer', 'The text as an integer.'],
  ['toLong', 'Long', 'The text as a long.'],
  ['toBigDecimal', 'Object', 'The text as a decimal number.'],
  ['isNumber', 'Boolean', 'Whether the text is a number.'],
  ['matches', 'Boolean', 'Whether the whole text matches a regular expression.'],
  ['readLines', 'List<String>', 'The lines of the text.'],
  ['padLeft', 'String', 'The text padded on the left to a width.'],
  ['padRight', 'String', 'The text padded on the right to a width.'],
  ['format', 'String', 'Formats values into a pattern.'],
].map(([name, returns, doc]) => m(name, returns, doc));

/** Map methods (Java and GDK). */
export const MAP_METHODS: GdkMethod[] = [
  ['get', 'Object', 'The value for a key, or null.'],
  ['put', 'Object', 'Stores a value under a key.'],
  ['containsKey', 'Boolean', 'Whether the key is present.'],
  ['containsValue', 'Boolean', 'Whether the value is present.'],
  ['keySet', 'Object', 'The keys.'],
  ['values', 'List<Object>', 'The values.'],
  ['entrySet', 'Object', 'The entries.'],
  ['each', 'Map', 'Runs the closure for every entry (`{ k, v -> }`).'],
  ['collect', 'List<Object>', 'A list with the closure\'s result for every entry.'],
  ['findAll', 'Map', 'The entries for which the closure is true.'],
  ['find', 'Object', 'The first entry for which the closure is true.'],
  ['getOrDefault', 'Object', 'The value for a key, or the default.'],
  ['size', 'Integer', 'Number of entries.'],
  ['isEmpty', 'Boolean', 'Whether there are no entries.'],
  ['remove', 'Object', 'Removes a key.'],
].map(([name, returns, doc]) => m(name, returns, doc));
