/** `numpy.trapz(y, x)`: the trapezoid rule over points in the order given. */
export function trapezoid(y: readonly number[], x: readonly number[]): number {
  if (y.length !== x.length) throw new RangeError('x and y must have equal length');
  let area = 0;
  for (let i = 1; i < y.length; i += 1) {
    area += (((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number))) / 2;
  }
  return area;
}
