// benign: category=vm-escape max-plugin=39 max-package=39
// why: a Money class implements Symbol.toPrimitive for arithmetic and printing.
export class Money {
  constructor(cents, currency = 'EUR') {
    this.cents = Math.round(cents);
    this.currency = currency;
  }

  [Symbol.toPrimitive](hint) {
    if (hint === 'number') return this.cents / 100;
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }

  add(other) {
    if (other.currency !== this.currency) throw new TypeError('currency mismatch');
    return new Money(this.cents + other.cents, this.currency);
  }

  static sum(list, currency = 'EUR') {
    return list.reduce((acc, m) => acc.add(m), new Money(0, currency));
  }
}

const total = Money.sum([new Money(1999), new Money(501)]);
console.log(`Total: ${total}`, +total > 20);
