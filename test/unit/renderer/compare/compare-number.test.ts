import { describe, expect, it } from 'vitest';
import { numberText } from '../../../../src-renderer/compare/compare-model.ts';

describe('compare numbers', () => {
  it('print negatives with the minus sign U+2212, never a hyphen', () => {
    expect(numberText(-1234)).toBe('\u22121,234');
    expect(numberText(-20.2814)).toBe('\u221220.281');
    expect(numberText(1234.5)).toBe('1,234.5');
    expect(numberText(-1234).includes('-')).toBe(false);
  });
});
