// The two transcendental functions the balancer needs, small and deterministic (plain f64
// arithmetic, no tables, so every host computes the same bits): ln for weighted rendezvous
// hashing and Envoy's active-request bias, exp of a non-positive argument for EWMA decay.
// Relative error below 1e-10 (checked against Math.log/Math.exp in the specs); about a fifth
// of the code of the general-purpose NativeMath versions.

const LN2: f64 = 0.6931471805599453;
const SQRT2: f64 = 1.4142135623730951;

/** ln(x) for x > 0: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m by the atanh series. */
export function ln(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>(bits >> 52) - 1023;
  let m = reinterpret<f64>((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
  if (m > SQRT2) { m *= 0.5; e++; }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const series = 1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 / 13)))));
  return <f64>e * LN2 + 2 * s * series;
}

/** exp(x) for x <= 0: 2^k * exp(r) with |r| <= ln2/2, exp(r) by its Taylor series to r^11. */
export function expNonPositive(x: f64): f64 {
  if (x < -700) return 0;
  const k = <i32>Math.floor(x / LN2 + 0.5);
  const r = x - <f64>k * LN2;
  let sum: f64 = 1;
  for (let n = 11; n >= 1; n--) sum = 1 + sum * r / <f64>n;
  return sum * reinterpret<f64>(<u64>(k + 1023) << 52);
}
