/**
 * `normalize_order_items` (seed 000's OrderCreated v2→v3): whatever shape old events gave
 * their order items, the result is an array of `{ product_id, quantity, unit_price, …rest }`.
 *
 * - null → []; one item (object, string or number) → a one-item array;
 * - an object that is not an item (no product id key) is a map product id → quantity or
 *   product id → item (`{ "p1": 2 }` → `[{ product_id: "p1", quantity: 2, unit_price: null }]`);
 * - an item's product id is `product_id`, else `productId`, `product` or `sku` (as text);
 *   quantity is `quantity`, `qty` or `count` (a number; 1 when absent, null when not numeric); unit price is
 *   `unit_price`, `unitPrice` or `price` (a number, default null); other keys are kept;
 * - a string or number item is a product id with quantity 1; null and other items are dropped.
 */
import { isObject, setField, type EventData } from './jsonFields.js';
import { toNumber } from './valueTransforms.js';

const PRODUCT_KEYS = ['product_id', 'productId', 'product', 'sku'];
const QUANTITY_KEYS = ['quantity', 'qty', 'count'];
const PRICE_KEYS = ['unit_price', 'unitPrice', 'price'];
const ALIASES = new Set([...PRODUCT_KEYS, ...QUANTITY_KEYS, ...PRICE_KEYS]);

/** The normalised item list of `value`. */
export function normalizeOrderItems(value: unknown): EventData[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(listOf);
  if (isObject(value) && !isItem(value)) {
    return Object.entries(value).flatMap(([productId, v]): EventData[] => {
      if (isObject(v)) return [normalizeItem({ ...v, product_id: productId })!];
      return [{ product_id: productId, quantity: quantityOf(v), unit_price: null }];
    });
  }
  return listOf(value);
}

function listOf(item: unknown): EventData[] {
  const one = normalizeItem(item);
  return one === undefined ? [] : [one];
}

function isItem(obj: EventData): boolean {
  return PRODUCT_KEYS.some((k) => Object.hasOwn(obj, k));
}

function normalizeItem(item: unknown): EventData | undefined {
  if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))) {
    return { product_id: String(item), quantity: 1, unit_price: null };
  }
  if (!isObject(item)) return undefined;
  const product = first(item, PRODUCT_KEYS);
  const out: EventData = {
    product_id: typeof product === 'string' || typeof product === 'number' ? String(product) : null,
    quantity: quantityOf(first(item, QUANTITY_KEYS)),
    unit_price: PRICE_KEYS.some((k) => Object.hasOwn(item, k)) ? toNumber(first(item, PRICE_KEYS)) : null,
  };
  for (const [k, v] of Object.entries(item)) if (!ALIASES.has(k)) setField(out, k, v);
  return out;
}

// Absent means one; present but not a number is null rather than a made-up quantity.
function quantityOf(v: unknown): unknown {
  return v === undefined || v === null ? 1 : toNumber(v);
}

function first(obj: EventData, keys: readonly string[]): unknown {
  for (const k of keys) if (Object.hasOwn(obj, k) && obj[k] !== null && obj[k] !== undefined) return obj[k];
  return undefined;
}
