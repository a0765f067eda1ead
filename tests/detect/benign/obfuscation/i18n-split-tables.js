// benign: category=obfuscation max-plugin=39 max-package=39
// why: compact locale tables are stored as `|`-separated strings and split on first use.
const RAW = {
  en: { days: 'Sun|Mon|Tue|Wed|Thu|Fri|Sat', months: 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec' },
  de: { days: 'So|Mo|Di|Mi|Do|Fr|Sa', months: 'Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez' },
  fr: { days: 'dim|lun|mar|mer|jeu|ven|sam', months: 'janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc' },
};

const cache = {};

function table(locale) {
  if (!cache[locale]) {
    const raw = RAW[locale] || RAW.en;
    cache[locale] = { days: raw.days.split('|'), months: raw.months.split('|') };
  }
  return cache[locale];
}

export function shortDate(date, locale = 'en') {
  const t = table(locale);
  return `${t.days[date.getDay()]} ${date.getDate()} ${t.months[date.getMonth()]}`;
}
