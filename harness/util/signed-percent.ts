// A relative change written as a signed percentage with a true minus sign: 0.381 → "+38.1 %".

export const signedPercent = (change: number, digits = 1): string =>
  `${change >= 0 ? "+" : "−"}${Math.abs(change * 100).toFixed(digits)} %`;
