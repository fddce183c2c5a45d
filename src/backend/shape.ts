/** An object (not null): what a handle the user passes must at least be. */
export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

/** An object with each of these methods: a handle checked for what vecs will call on it. */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  return isObject(value) && names.every((name) => typeof Reflect.get(value, name) === 'function')
}
