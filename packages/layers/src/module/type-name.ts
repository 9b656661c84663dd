/**
 * A module's or criterion's class name, for messages and printouts (`Sequential { (0):
 * SpatialConvolution(…) }`, the doc string of an ONNX export). Every class of the package
 * declares it (`static readonly typeName = 'ReLU'`): minifiers in browser bundles rename
 * classes, so `constructor.name` would print `qa` there. A class that does not declare its own
 * (a user's module) falls back to `constructor.name`.
 */
export function typeNameOf(instance: object): string {
  const c = instance.constructor as { readonly typeName?: unknown; readonly name: string };
  return Object.hasOwn(c, 'typeName') ? String(c.typeName) : c.name;
}
