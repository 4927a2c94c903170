import { escapeFormula } from './engagement-export.controller';

describe('CSV cells', () => {
  it('quote what a spreadsheet would run as a formula (OWASP CSV injection)', () => {
    for (const cell of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
      expect(escapeFormula(cell)).toBe(`'${cell}`);
    expect(escapeFormula('2026-12-07')).toBe('2026-12-07');
    expect(escapeFormula('Velo')).toBe('Velo');
  });
});
