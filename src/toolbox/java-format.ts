import { KafkaplaneError } from '../errors.ts';

/**
 * Java's `String.format("%.Nf", x)`: the shortest decimal digits that identify the double, rounded HALF_UP to N
 * places. JavaScript's toFixed rounds the exact binary value instead: 1.005 is "1.01" in Java but (1.005).toFixed(2)
 * is "1.00". NaN and infinities print as Java prints them.
 */
export function javaFixed(x: number, places: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const negative = x < 0 || Object.is(x, -0);
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  // value = digits × 10^(exp - (digits.length - 1)); scale it by 10^places and round half up.
  const shift = Number(exponent) - (digits.length - 1) + places;
  let scaled: bigint;
  if (shift >= 0) scaled = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const n = BigInt(digits);
    scaled = n / divisor;
    if ((n % divisor) * 2n >= divisor) scaled += 1n;
  }
  let text = scaled.toString().padStart(places + 1, '0');
  if (places > 0) text = `${text.slice(0, text.length - places)}.${text.slice(text.length - places)}`;
  return negative ? `-${text}` : text;
}

const PATTERN_LETTERS = /[a-zA-Z]/;

/**
 * java.text.SimpleDateFormat for the letters performance tools use (y M d H h m s S a E Z X), in local time like the
 * JVM's default time zone. Quoted text ('…', '' for a quote) is literal. Other letters are refused rather than guessed.
 */
export function compileJavaDateFormat(pattern: string): (ms: number) => string {
  const parts: ((d: Date) => string)[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      if (j === i + 1 && pattern[j] === "'") text = "'";
      parts.push(() => text);
      i = j + 1;
      continue;
    }
    if (!PATTERN_LETTERS.test(c)) {
      parts.push(() => c);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    parts.push(field(c, n, pattern));
    i += n;
  }
  return (ms) => {
    const d = new Date(ms);
    return parts.map((p) => p(d)).join('');
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function field(letter: string, n: number, pattern: string): (d: Date) => string {
  const pad = (v: number) => String(v).padStart(n, '0');
  switch (letter) {
    case 'y':
      return (d) => (n === 2 ? String(d.getFullYear() % 100).padStart(2, '0') : pad(d.getFullYear()));
    case 'M':
      if (n >= 4) return (d) => MONTHS_LONG[d.getMonth()]!;
      if (n === 3) return (d) => MONTHS[d.getMonth()]!;
      return (d) => pad(d.getMonth() + 1);
    case 'd':
      return (d) => pad(d.getDate());
    case 'H':
      return (d) => pad(d.getHours());
    case 'h':
      return (d) => pad(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12);
    case 'm':
      return (d) => pad(d.getMinutes());
    case 's':
      return (d) => pad(d.getSeconds());
    case 'S':
      return (d) => pad(d.getMilliseconds());
    case 'a':
      return (d) => (d.getHours() < 12 ? 'AM' : 'PM');
    case 'E':
      return (d) => (n >= 4 ? DAYS_LONG : DAYS)[d.getDay()]!;
    case 'Z':
    case 'X':
      return (d) => {
        const offset = -d.getTimezoneOffset();
        if (letter === 'X' && offset === 0) return 'Z';
        const sign = offset >= 0 ? '+' : '-';
        const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
        const mm = String(Math.abs(offset) % 60).padStart(2, '0');
        return letter === 'X' && n === 3 ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
      };
    default:
      throw new KafkaplaneError('BAD_DATE_FORMAT', `date format "${pattern}": the pattern letter "${letter}" is not supported`, {
        hint: "supported letters: y M d H h m s S a E Z X; quote literal text with '…'",
      });
  }
}
