// Host module `url`: the WHATWG URL Standard's `URL` and `URLSearchParams` (the basic URL
// parser's state machine, IPv4/IPv6 hosts, percent-encode sets, dot segments, opaque paths),
// and Node's legacy `parse` / `format` / `resolve`. Internationalised host names are
// converted with Punycode after lower-casing; the full UTS #46 mapping is not applied (such
// names are rare in plugins: `domainToASCII` says so by returning '' for what it cannot map).
// Pure JS.
(function (host, require, module) {
  'use strict';
  const special = { 'ftp:': 21, 'file:': null, 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
  const isSpecialScheme = (s) => Object.prototype.hasOwnProperty.call(special, s + ':');

  function invalidUrl(input, base) {
    const e = new TypeError('Invalid URL');
    e.code = 'ERR_INVALID_URL';
    e.input = input;
    if (base !== undefined) e.base = base;
    return e;
  }

  // Percent-encode sets (code points above 0x7E are always encoded).
  const C0 = (c) => c < 0x20 || c > 0x7e;
  const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
  const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7d;
  const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5d) || c === 0x7c;
  const COMPONENT = (c) => USERINFO(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
  const FORM = (c) => COMPONENT(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

  const HEXU = '0123456789ABCDEF';
  function utf8Bytes(cp) {
    if (cp < 0x80) return [cp];
    if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
    if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  }
  function pctByte(b) {
    return '%' + HEXU[b >> 4] + HEXU[b & 15];
  }
  // Encodes one code point (lone surrogates become U+FFFD) if the set says so.
  function encodeCp(cp, set) {
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (!set(cp)) return String.fromCodePoint(cp);
    return utf8Bytes(cp).map(pctByte).join('');
  }
  function encodeString(s, set, spaceAsPlus) {
    let out = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (spaceAsPlus && cp === 0x20) out += '+';
      else out += encodeCp(cp, set);
    }
    return out;
  }
  // The string as UTF-8 bytes, with each valid %XX replaced by its byte.
  function percentDecodeBytes(s) {
    const bytes = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      bytes.push(...utf8Bytes(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp));
    }
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
        i += 2;
      } else out.push(bytes[i]);
    }
    return out;
  }
  function isHex(b) {
    return (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102);
  }
  function utf8DecodeBytes(bytes) {
    const { Buffer } = require('buffer');
    return Buffer.from(bytes).toString('utf8');
  }

  // ---------------------------------------------------------------- hosts
  function parseIPv4Number(s) {
    if (s === '') return NaN;
    let R = 10;
    if (s.length >= 2 && (s.startsWith('0x') || s.startsWith('0X'))) {
      s = s.slice(2);
      R = 16;
    } else if (s.length >= 2 && s[0] === '0') {
      s = s.slice(1);
      R = 8;
    }
    if (s === '') return 0;
    const re = R === 10 ? /^[0-9]+$/ : R === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
    if (!re.test(s)) return NaN;
    return parseInt(s, R);
  }
  function endsInNumber(host) {
    const parts = host.split('.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== '' && /^[0-9]+$/.test(last)) return true;
    return !Number.isNaN(parseIPv4Number(last)) && last !== '';
  }
  function parseIPv4(host) {
    const parts = host.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const nums = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (Number.isNaN(n)) return null;
      nums.push(n);
    }
    for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return null;
    if (nums[nums.length - 1] >= 256 ** (5 - nums.length)) return null;
    let ipv4 = nums[nums.length - 1];
    for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * 256 ** (3 - i);
    return ipv4;
  }
  function serializeIPv4(n) {
    const out = [];
    for (let i = 0; i < 4; i++) {
      out.unshift(String(n % 256));
      n = Math.floor(n / 256);
    }
    return out.join('.');
  }
  function parseIPv6(input) {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0;
    let compress = null;
    let p = 0;
    const c = (i) => (i < input.length ? input.charCodeAt(i) : NaN);
    if (c(p) === 58) {
      if (c(p + 1) !== 58) return null;
      p += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (p < input.length) {
      if (pieceIndex === 8) return null;
      if (c(p) === 58) {
        if (compress !== null) return null;
        p++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && isHex(c(p))) {
        value = value * 16 + parseInt(input[p], 16);
        p++;
        length++;
      }
      if (c(p) === 46) {
        if (length === 0) return null;
        p -= length;
        if (pieceIndex > 6) return null;
        let numbersSeen = 0;
        while (p < input.length) {
          let ipv4Piece = null;
          if (numbersSeen > 0) {
            if (c(p) === 46 && numbersSeen < 4) p++;
            else return null;
          }
          if (!(c(p) >= 48 && c(p) <= 57)) return null;
          while (c(p) >= 48 && c(p) <= 57) {
            const number = c(p) - 48;
            if (ipv4Piece === null) ipv4Piece = number;
            else if (ipv4Piece === 0) return null;
            else ipv4Piece = ipv4Piece * 10 + number;
            if (ipv4Piece > 255) return null;
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 256 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return null;
        break;
      } else if (c(p) === 58) {
        p++;
        if (p >= input.length) return null;
      } else if (p < input.length) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const t = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = t;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return null;
    }
    return address;
  }
  function serializeIPv6(a) {
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (a[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && a[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    let out = '';
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && a[i] === 0) continue;
      ignore0 = false;
      if (best === i) {
        out += i === 0 ? '::' : ':';
        ignore0 = true;
        continue;
      }
      out += a[i].toString(16);
      if (i !== 7) out += ':';
    }
    return '[' + out + ']';
  }

  // Punycode (RFC 3492) for one label.
  function punycodeEncode(input) {
    const cps = Array.from(input, (ch) => ch.codePointAt(0));
    let n = 128;
    let delta = 0;
    let bias = 72;
    let out = cps.filter((c) => c < 128).map((c) => String.fromCharCode(c)).join('');
    const b = out.length;
    let h = b;
    if (b > 0) out += '-';
    const adapt = (d, numPoints, first) => {
      d = first ? Math.floor(d / 700) : d >> 1;
      d += Math.floor(d / numPoints);
      let k = 0;
      while (d > 455) {
        d = Math.floor(d / 35);
        k += 36;
      }
      return k + Math.floor((36 * d) / (d + 38));
    };
    const digit = (d) => String.fromCharCode(d + 22 + 75 * (d < 26));
    while (h < cps.length) {
      let m = Infinity;
      for (const c of cps) if (c >= n && c < m) m = c;
      delta += (m - n) * (h + 1);
      n = m;
      for (const c of cps) {
        if (c < n) delta++;
        if (c === n) {
          let q = delta;
          for (let k = 36; ; k += 36) {
            const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
            if (q < t) break;
            out += digit(t + ((q - t) % (36 - t)));
            q = Math.floor((q - t) / (36 - t));
          }
          out += digit(q);
          bias = adapt(delta, h + 1, h === b);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return out;
  }
  function domainToASCIIInternal(domain) {
    const lower = domain.toLowerCase().normalize('NFC').replace(/[\u3002\uff0e\uff61]/g, '.');
    const labels = lower.split('.');
    const out = [];
    for (const label of labels) {
      if (/^[\x00-\x7f]*$/.test(label)) out.push(label);
      else out.push('xn--' + punycodeEncode(label));
    }
    const r = out.join('.');
    return r;
  }

  const forbiddenHost = /[\x00\t\n\r #/:<>?@[\\\]^|]/;
  const forbiddenDomain = /[\x00-\x1f\t\n\r #%/:<>?@[\\\]^|\x7f]/;
  function parseHost(input, notSpecial) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) return null;
      const a = parseIPv6(input.slice(1, -1));
      return a === null ? null : serializeIPv6(a);
    }
    if (notSpecial) {
      if (forbiddenHost.test(input)) return null;
      return encodeString(input, C0);
    }
    let domain;
    try {
      domain = utf8DecodeBytes(percentDecodeBytes(input));
    } catch (_e) {
      return null;
    }
    const ascii = domainToASCIIInternal(domain);
    if (ascii === '' || forbiddenDomain.test(ascii)) return null;
    if (endsInNumber(ascii)) {
      const v4 = parseIPv4(ascii);
      return v4 === null ? null : serializeIPv4(v4);
    }
    return ascii;
  }

  // ---------------------------------------------------------------- the parser
  const isAlpha = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const isDigit = (c) => c >= 48 && c <= 57;
  function isWindowsDriveLetter(s, normalizedOnly) {
    return s.length === 2 && isAlpha(s.charCodeAt(0)) && (s[1] === ':' || (!normalizedOnly && s[1] === '|'));
  }
  function startsWithDriveLetter(cps, p) {
    if (cps.length - p < 2) return false;
    if (!isAlpha(cps[p]) || (cps[p + 1] !== 58 && cps[p + 1] !== 124)) return false;
    if (cps.length - p === 2) return true;
    const c = cps[p + 2];
    return c === 47 || c === 92 || c === 63 || c === 35;
  }
  function shortenPath(url) {
    const path = url.path;
    if (url.scheme === 'file' && path.length === 1 && isWindowsDriveLetter(path[0], true)) return;
    path.pop();
  }
  const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
  const isDoubleDot = (s) => {
    const l = s.toLowerCase();
    return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e';
  };

  function newRecord() {
    return { scheme: '', username: '', password: '', host: null, port: null, path: [], opaque: false, query: null, fragment: null };
  }

  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = newRecord();
      input = input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
    }
    input = input.replace(/[\t\n\r]/g, '');
    const cps = Array.from(input, (ch) => ch.codePointAt(0));
    let state = stateOverride || 'scheme start';
    let buffer = '';
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    let p = 0;
    // Goes to state `next`, which reads the current code point again.
    const reconsume = (next) => {
      state = next;
      p--;
    };
    // Starts an empty query or fragment.
    const startQuery = () => {
      url.query = '';
      state = 'query';
    };
    const startFragment = () => {
      url.fragment = '';
      state = 'fragment';
    };
    const copyAuthority = () => {
      url.username = base.username;
      url.password = base.password;
      url.host = base.host;
      url.port = base.port;
    };
    for (; p <= cps.length; p++) {
      const c = p < cps.length ? cps[p] : undefined;
      const ch = c === undefined ? '' : String.fromCodePoint(c);
      switch (state) {
        case 'scheme start':
          if (c !== undefined && isAlpha(c)) {
            buffer += ch.toLowerCase();
            state = 'scheme';
          } else if (!stateOverride) reconsume('no scheme'); else return null;
          break;
        case 'scheme':
          if (c !== undefined && (isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46)) {
            buffer += ch.toLowerCase();
          } else if (c === 58) {
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((url.username !== '' || url.password !== '' || url.port !== null) && buffer === 'file') return url;
              if (url.scheme === 'file' && url.host === '') return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === special[url.scheme + ':']) url.port = null;
              return url;
            }
            buffer = '';
            if (url.scheme === 'file') {
              state = 'file';
            } else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) {
              state = 'special relative or authority';
            } else if (isSpecialScheme(url.scheme)) {
              state = 'special authority slashes';
            } else if (cps[p + 1] === 47) {
              state = 'path or authority';
              p++;
            } else {
              url.opaque = true;
              url.path = '';
              state = 'opaque path';
            }
          } else if (!stateOverride) {
            buffer = '';
            state = 'no scheme';
            p = -1;
          } else return null;
          break;
        case 'no scheme':
          if (!base || (base.opaque && c !== 35)) return null;
          if (base.opaque && c === 35) {
            url.scheme = base.scheme;
            url.path = base.path;
            url.opaque = true;
            url.query = base.query;
            startFragment();
          } else reconsume(base.scheme !== 'file' ? 'relative' : 'file');
          break;
        case 'special relative or authority':
          if (c === 47 && cps[p + 1] === 47) {
            state = 'special authority ignore slashes';
            p++;
          } else reconsume('relative');
          break;
        case 'path or authority':
          if (c === 47) state = 'authority';
          else reconsume('path');
          break;
        case 'relative':
          url.scheme = base.scheme;
          if (c === 47) state = 'relative slash';
          else if (isSpecialScheme(url.scheme) && c === 92) state = 'relative slash';
          else {
            copyAuthority();
            url.path = base.path.slice();
            url.query = base.query;
            if (c === 63) startQuery(); else if (c === 35) startFragment(); else if (c !== undefined) {
              url.query = null;
              shortenPath(url);
              reconsume('path');
            }
          }
          break;
        case 'relative slash':
          if (isSpecialScheme(url.scheme) && (c === 47 || c === 92)) {
            state = 'special authority ignore slashes';
          } else if (c === 47) {
            state = 'authority';
          } else {
            copyAuthority();
            reconsume('path');
          }
          break;
        case 'special authority slashes':
          // The standard skips a '//' here and reads anything else again in the next state,
          // which skips every '/' and '\\' itself: the same as reading it all again there.
          reconsume('special authority ignore slashes');
          break;
        case 'special authority ignore slashes':
          if (c !== 47 && c !== 92) reconsume('authority');
          break;
        case 'authority':
          if (c === 64) {
            if (atSignSeen) buffer = '%40' + buffer;
            atSignSeen = true;
            for (const bc of Array.from(buffer, (x) => x.codePointAt(0))) {
              if (bc === 58 && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              const enc = encodeCp(bc, USERINFO);
              if (passwordTokenSeen) url.password += enc;
              else url.username += enc;
            }
            buffer = '';
          } else if (c === undefined || c === 47 || c === 63 || c === 35 || (isSpecialScheme(url.scheme) && c === 92)) {
            if (atSignSeen && buffer === '') return null;
            p -= Array.from(buffer).length + 1;
            buffer = '';
            state = 'host';
          } else buffer += ch;
          break;
        case 'host':
        case 'hostname':
          if (stateOverride && url.scheme === 'file') reconsume('file host'); else if (c === 58 && !insideBrackets) {
            if (buffer === '') return null;
            if (stateOverride === 'hostname') return null;
            const h = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (h === null) return null;
            url.host = h;
            buffer = '';
            state = 'port';
          } else if (c === undefined || c === 47 || c === 63 || c === 35 || (isSpecialScheme(url.scheme) && c === 92)) {
            p--;
            if (isSpecialScheme(url.scheme) && buffer === '') return null;
            if (stateOverride && buffer === '' && (url.username !== '' || url.password !== '' || url.port !== null)) return url;
            const h = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (h === null) return null;
            url.host = h;
            buffer = '';
            state = 'path start';
            if (stateOverride) return url;
          } else {
            if (c === 91) insideBrackets = true;
            if (c === 93) insideBrackets = false;
            buffer += ch;
          }
          break;
        case 'port':
          if (c !== undefined && isDigit(c)) {
            buffer += ch;
          } else if (c === undefined || c === 47 || c === 63 || c === 35 || (isSpecialScheme(url.scheme) && c === 92) || stateOverride) {
            if (buffer !== '') {
              const port = parseInt(buffer, 10);
              if (port > 65535) return null;
              url.port = special[url.scheme + ':'] === port ? null : port;
              buffer = '';
            }
            if (stateOverride) return url;
            reconsume('path start');
          } else return null;
          break;
        case 'file':
          url.scheme = 'file';
          url.host = '';
          if (c === 47 || c === 92) {
            state = 'file slash';
          } else if (base && base.scheme === 'file') {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === 63) startQuery(); else if (c === 35) startFragment(); else if (c !== undefined) {
              url.query = null;
              if (!startsWithDriveLetter(cps, p)) shortenPath(url);
              else url.path = [];
              reconsume('path');
            }
          } else reconsume('path');
          break;
        case 'file slash':
          if (c === 47 || c === 92) {
            state = 'file host';
          } else {
            if (base && base.scheme === 'file') {
              url.host = base.host;
              if (!startsWithDriveLetter(cps, p) && base.path.length > 0 && isWindowsDriveLetter(base.path[0], true)) url.path.push(base.path[0]);
            }
            reconsume('path');
          }
          break;
        case 'file host':
          if (c === undefined || c === 47 || c === 92 || c === 63 || c === 35) {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer, false)) {
              state = 'path';
            } else if (buffer === '') {
              url.host = '';
              if (stateOverride) return url;
              state = 'path start';
            } else {
              let h = parseHost(buffer, false);
              if (h === null) return null;
              if (h === 'localhost') h = '';
              url.host = h;
              if (stateOverride) return url;
              buffer = '';
              state = 'path start';
            }
          } else buffer += ch;
          break;
        case 'path start':
          if (isSpecialScheme(url.scheme)) {
            state = 'path';
            if (c !== 47 && c !== 92) p--;
          } else if (!stateOverride && c === 63) startQuery(); else if (!stateOverride && c === 35) startFragment(); else if (c !== undefined) {
            state = 'path';
            if (c !== 47) p--;
          } else if (stateOverride && url.host === null) {
            url.path.push('');
          }
          break;
        case 'path':
          if (c === undefined || c === 47 || (isSpecialScheme(url.scheme) && c === 92) || (!stateOverride && (c === 63 || c === 35))) {
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (c !== 47 && !(isSpecialScheme(url.scheme) && c === 92)) url.path.push('');
            } else if (isSingleDot(buffer) && c !== 47 && !(isSpecialScheme(url.scheme) && c === 92)) {
              url.path.push('');
            } else if (!isSingleDot(buffer)) {
              if (url.scheme === 'file' && url.path.length === 0 && isWindowsDriveLetter(buffer, false)) buffer = buffer[0] + ':';
              url.path.push(buffer);
            }
            buffer = '';
            if (c === 63) startQuery();
            if (c === 35) startFragment();
          } else {
            buffer += encodeCp(c, PATH);
          }
          break;
        case 'opaque path':
          if (c === 63) startQuery(); else if (c === 35) startFragment(); else if (c === 32) {
            const next = cps[p + 1];
            if (next === 63 || next === 35) url.path += '%20';
            else url.path += ' ';
          } else if (c !== undefined) {
            url.path += encodeCp(c, C0);
          }
          break;
        case 'query':
          if ((!stateOverride && c === 35) || c === undefined) {
            url.query += encodeString(buffer, isSpecialScheme(url.scheme) ? SPECIAL_QUERY : QUERY);
            buffer = '';
            if (c === 35) startFragment();
          } else buffer += ch;
          break;
        case 'fragment':
          if (c !== undefined) url.fragment += encodeCp(c, FRAGMENT);
          break;
      }
    }
    return url;
  }

  function serializePath(url) {
    if (url.opaque) return url.path;
    let out = '';
    if (url.host === null && url.path.length > 1 && url.path[0] === '') out += '/.';
    for (const seg of url.path) out += '/' + seg;
    return out;
  }
  function serializeHostPort(url) {
    if (url.host === null) return '';
    return url.host + (url.port === null ? '' : ':' + url.port);
  }
  function serialize(url, excludeFragment) {
    let out = url.scheme + ':';
    if (url.host !== null) {
      out += '//';
      if (url.username !== '' || url.password !== '') {
        out += url.username;
        if (url.password !== '') out += ':' + url.password;
        out += '@';
      }
      out += serializeHostPort(url);
    }
    out += serializePath(url);
    if (url.query !== null) out += '?' + url.query;
    if (!excludeFragment && url.fragment !== null) out += '#' + url.fragment;
    return out;
  }

  // ---------------------------------------------------------------- URLSearchParams
  function formParse(input) {
    const out = [];
    for (const seq of input.split('&')) {
      if (seq === '') continue;
      const i = seq.indexOf('=');
      const name = i === -1 ? seq : seq.slice(0, i);
      const value = i === -1 ? '' : seq.slice(i + 1);
      out.push([formDecode(name), formDecode(value)]);
    }
    return out;
  }
  function formDecode(s) {
    return utf8DecodeBytes(percentDecodeBytes(s.replace(/\+/g, ' ')));
  }
  function formSerialize(list) {
    return list.map(([k, v]) => encodeString(k, FORM, true) + '=' + encodeString(v, FORM, true)).join('&');
  }
  const usp = new WeakMap();
  const urls = new WeakMap();
  function toUSV(v) {
    return String(v).toWellFormed();
  }
  class URLSearchParams {
    constructor(init = '') {
      const st = { list: [], url: null };
      usp.set(this, st);
      if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const arr = Array.from(pair);
            if (arr.length !== 2) {
              const e = new TypeError('Each query pair must be an iterable [name, value] tuple');
              e.code = 'ERR_INVALID_TUPLE';
              throw e;
            }
            st.list.push([toUSV(arr[0]), toUSV(arr[1])]);
          }
        } else {
          for (const k of Reflect.ownKeys(init)) {
            if (typeof k !== 'string' || !Object.prototype.propertyIsEnumerable.call(init, k)) continue;
            st.list.push([toUSV(k), toUSV(init[k])]);
          }
        }
      } else {
        let s = toUSV(init);
        if (s.startsWith('?')) s = s.slice(1);
        st.list = formParse(s);
      }
    }
    get size() {
      return state(this).list.length;
    }
    append(name, value) {
      state(this).list.push([toUSV(name), toUSV(value)]);
      update(this);
    }
    delete(name, value) {
      const st = state(this);
      name = toUSV(name);
      if (value !== undefined) {
        value = toUSV(value);
        st.list = st.list.filter(([k, v]) => k !== name || v !== value);
      } else st.list = st.list.filter(([k]) => k !== name);
      update(this);
    }
    get(name) {
      name = toUSV(name);
      const e = state(this).list.find(([k]) => k === name);
      return e === undefined ? null : e[1];
    }
    getAll(name) {
      name = toUSV(name);
      return state(this).list.filter(([k]) => k === name).map(([, v]) => v);
    }
    has(name, value) {
      name = toUSV(name);
      if (value !== undefined) {
        value = toUSV(value);
        return state(this).list.some(([k, v]) => k === name && v === value);
      }
      return state(this).list.some(([k]) => k === name);
    }
    set(name, value) {
      const st = state(this);
      name = toUSV(name);
      value = toUSV(value);
      const i = st.list.findIndex(([k]) => k === name);
      if (i === -1) st.list.push([name, value]);
      else {
        st.list[i][1] = value;
        st.list = st.list.filter(([k], j) => j <= i || k !== name);
      }
      update(this);
    }
    sort() {
      const st = state(this);
      const cmp = (a, b) => {
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) {
          const x = a.charCodeAt(i);
          const y = b.charCodeAt(i);
          if (x !== y) return x - y;
        }
        return a.length - b.length;
      };
      st.list = st.list.map((e, i) => [e, i]).sort((a, b) => cmp(a[0][0], b[0][0]) || a[1] - b[1]).map((e) => e[0]);
      update(this);
    }
    forEach(callback, thisArg) {
      if (typeof callback !== 'function') {
        const e = new TypeError('The "callback" argument must be of type function');
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      const list = state(this).list;
      for (let i = 0; i < list.length; i++) Reflect.apply(callback, thisArg, [list[i][1], list[i][0], this]);
    }
    *entries() {
      const st = state(this);
      for (let i = 0; i < st.list.length; i++) yield [st.list[i][0], st.list[i][1]];
    }
    *keys() {
      for (const [k] of this.entries()) yield k;
    }
    *values() {
      for (const [, v] of this.entries()) yield v;
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return formSerialize(state(this).list);
    }
    get [Symbol.toStringTag]() {
      return 'URLSearchParams';
    }
    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      const list = state(this).list;
      if (list.length === 0) return 'URLSearchParams {}';
      return 'URLSearchParams { ' + list.map(([k, v]) => inspect(k) + ' => ' + inspect(v)).join(', ') + ' }';
    }
  }
  function invalidThis(type) {
    const e = new TypeError('Value of "this" must be of type ' + type);
    e.code = 'ERR_INVALID_THIS';
    return e;
  }
  function state(p) {
    const st = usp.get(p);
    if (st === undefined) throw invalidThis('URLSearchParams');
    return st;
  }
  function update(p) {
    const st = usp.get(p);
    if (st.url === null) return;
    const rec = urls.get(st.url);
    const s = formSerialize(st.list);
    rec.query = s === '' ? null : s;
  }

  // ---------------------------------------------------------------- URL
  function rec(u) {
    const r = urls.get(u);
    if (r === undefined) throw invalidThis('URL');
    return r;
  }
  // The URL cannot have a username, password or port.
  const cannotHaveUserinfo = (r) => r.host === null || r.host === '' || r.scheme === 'file';
  function setUserinfo(r, key, v) {
    if (cannotHaveUserinfo(r)) return;
    r[key] = encodeString(toUSV(v), USERINFO);
  }
  // `host` / `hostname` (the parser's state of that name), unless the path is opaque.
  function setHost(r, v, state) {
    if (r.opaque) return;
    basicParse(toUSV(v), null, r, state);
  }
  // `search` / `hash`: the query or fragment after its `?` / `#`, or '' when it is empty.
  const shownPart = (part, mark) => (part === null || part === '' ? '' : mark + part);
  // Sets the query or fragment (`key`, also the parser state) from `v`, a leading `mark`
  // dropped; '' removes it. The text it was parsed from, or null when removed.
  function setPart(r, v, key, mark) {
    let s = toUSV(v);
    if (s === '') {
      r[key] = null;
      return null;
    }
    if (s[0] === mark) s = s.slice(1);
    r[key] = '';
    basicParse(s, null, r, key);
    return s;
  }
  class URL {
    constructor(input, base) {
      if (arguments.length === 0) {
        const e = new TypeError('The "url" argument must be specified');
        e.code = 'ERR_MISSING_ARGS';
        throw e;
      }
      const inputStr = toUSV(input);
      let baseRec;
      if (base !== undefined) {
        baseRec = basicParse(toUSV(base));
        if (baseRec === null) throw invalidUrl(inputStr, String(base));
      }
      const r = basicParse(inputStr, baseRec);
      if (r === null) throw invalidUrl(inputStr, base === undefined ? undefined : String(base));
      urls.set(this, r);
      const params = new URLSearchParams(r.query || '');
      usp.get(params).url = this;
      Object.defineProperty(this, '_params', { value: params });
    }
    static canParse(input, base) {
      try {
        new URL(input, base);
        return true;
      } catch (_e) {
        return false;
      }
    }
    static parse(input, base) {
      try {
        return new URL(input, base);
      } catch (_e) {
        return null;
      }
    }
    static createObjectURL() {
      throw new Error('URL.createObjectURL is not supported in sandbox');
    }
    static revokeObjectURL() {
      throw new Error('URL.revokeObjectURL is not supported in sandbox');
    }
    get href() {
      return serialize(rec(this));
    }
    set href(v) {
      const r = basicParse(toUSV(v));
      if (r === null) throw invalidUrl(String(v));
      urls.set(this, r);
      usp.get(this._params).list = formParse(r.query || '');
    }
    get origin() {
      const r = rec(this);
      if (r.scheme === 'blob') {
        try {
          const inner = new URL(serializePath(r));
          if (inner.protocol === 'http:' || inner.protocol === 'https:') return inner.origin;
        } catch (_e) {
          return 'null';
        }
        return 'null';
      }
      if (isSpecialScheme(r.scheme) && r.scheme !== 'file') return r.scheme + '://' + serializeHostPort(r);
      return 'null';
    }
    get protocol() {
      return rec(this).scheme + ':';
    }
    set protocol(v) {
      basicParse(toUSV(v) + ':', null, rec(this), 'scheme start');
    }
    get username() {
      return rec(this).username;
    }
    set username(v) {
      setUserinfo(rec(this), 'username', v);
    }
    get password() {
      return rec(this).password;
    }
    set password(v) {
      setUserinfo(rec(this), 'password', v);
    }
    get host() {
      return serializeHostPort(rec(this));
    }
    set host(v) {
      setHost(rec(this), v, 'host');
    }
    get hostname() {
      const r = rec(this);
      return r.host === null ? '' : r.host;
    }
    set hostname(v) {
      setHost(rec(this), v, 'hostname');
    }
    get port() {
      const r = rec(this);
      return r.port === null ? '' : String(r.port);
    }
    set port(v) {
      const r = rec(this);
      if (cannotHaveUserinfo(r)) return;
      const s = toUSV(v);
      if (s === '') r.port = null;
      else basicParse(s, null, r, 'port');
    }
    get pathname() {
      return serializePath(rec(this));
    }
    set pathname(v) {
      const r = rec(this);
      if (r.opaque) return;
      r.path = [];
      basicParse(toUSV(v), null, r, 'path start');
    }
    get search() {
      return shownPart(rec(this).query, '?');
    }
    set search(v) {
      const s = setPart(rec(this), v, 'query', '?');
      usp.get(this._params).list = s === null ? [] : formParse(s);
    }
    get searchParams() {
      return this._params;
    }
    get hash() {
      return shownPart(rec(this).fragment, '#');
    }
    set hash(v) {
      setPart(rec(this), v, 'fragment', '#');
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
    get [Symbol.toStringTag]() {
      return 'URL';
    }
    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      const obj = {
        href: this.href,
        origin: this.origin,
        protocol: this.protocol,
        username: this.username,
        password: this.password,
        host: this.host,
        hostname: this.hostname,
        port: this.port,
        pathname: this.pathname,
        search: this.search,
        searchParams: this.searchParams,
        hash: this.hash,
      };
      return 'URL ' + inspect(obj, options).replace(/^\{/, '{');
    }
  }
  for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash', 'toString', 'toJSON']) {
    const d = Object.getOwnPropertyDescriptor(URL.prototype, k);
    d.enumerable = true;
    Object.defineProperty(URL.prototype, k, d);
  }
  for (const k of ['append', 'delete', 'get', 'getAll', 'has', 'set', 'sort', 'entries', 'forEach', 'keys', 'values', 'toString', 'size']) {
    const d = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, k);
    d.enumerable = true;
    Object.defineProperty(URLSearchParams.prototype, k, d);
  }

  function domainToASCII(domain) {
    const h = parseHost(String(domain), false);
    return h === null ? '' : h;
  }
  function domainToUnicode(domain) {
    const h = parseHost(String(domain), false);
    if (h === null) return '';
    if (h.includes('xn--')) throw new Error('url.domainToUnicode of a Punycode name is not supported in sandbox');
    return h;
  }
  function fileURLToPath(u) {
    const url = typeof u === 'string' ? new URL(u) : u;
    if (url.protocol !== 'file:') {
      const e = new TypeError('The URL must be of scheme file');
      e.code = 'ERR_INVALID_URL_SCHEME';
      throw e;
    }
    if (url.hostname !== '') {
      const e = new TypeError('File URL host must be "localhost" or empty on linux');
      e.code = 'ERR_INVALID_FILE_URL_HOST';
      throw e;
    }
    const p = url.pathname;
    if (/%2f/i.test(p)) {
      const e = new TypeError('File URL path must not include encoded / characters');
      e.code = 'ERR_INVALID_FILE_URL_PATH';
      throw e;
    }
    return decodeURIComponent(p);
  }
  function pathToFileURL(p) {
    const path = require('path');
    let resolved = path.resolve(String(p));
    if (String(p).endsWith('/') && !resolved.endsWith('/')) resolved += '/';
    const u = new URL('file://');
    u.pathname = resolved.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09');
    return u;
  }
  function urlToHttpOptions(url) {
    const options = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      hash: url.hash,
      search: url.search,
      pathname: url.pathname,
      path: (url.pathname || '') + (url.search || ''),
      href: url.href,
    };
    if (url.port !== '') options.port = Number(url.port);
    if (url.username || url.password) options.auth = decodeURIComponent(url.username) + ':' + decodeURIComponent(url.password);
    return options;
  }

  // ---------------------------------------------------------------- legacy API
  const slashedProtocol = { http: true, https: true, ftp: true, gopher: true, file: true, 'http:': true, 'https:': true, 'ftp:': true, 'gopher:': true, 'file:': true, ws: true, wss: true, 'ws:': true, 'wss:': true };
  const hostlessProtocol = { javascript: true, 'javascript:': true };
  function Url() {
    this.protocol = null;
    this.slashes = null;
    this.auth = null;
    this.host = null;
    this.port = null;
    this.hostname = null;
    this.hash = null;
    this.search = null;
    this.query = null;
    this.pathname = null;
    this.path = null;
    this.href = null;
  }
  const autoEscape = ['{', '}', '|', '\\', '^', '`', "'", '<', '>', '"', ' ', '\r', '\n', '\t'];
  function escapeLegacy(s) {
    let out = '';
    for (const ch of s) {
      if (autoEscape.includes(ch)) out += encodeURIComponent(ch) === ch ? escape(ch) : encodeURIComponent(ch);
      else out += ch;
    }
    return out;
  }
  function legacyParse(url, parseQueryString, slashesDenoteHost) {
    if (url instanceof Url) return url;
    if (typeof url !== 'string') {
      const e = new TypeError('The "url" argument must be of type string.' + (url === undefined ? ' Received undefined' : ''));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    const u = new Url();
    let rest = url.trim();
    // Backslashes before the query become slashes, as Node does.
    const qi = rest.search(/[?#]/);
    const head = qi === -1 ? rest : rest.slice(0, qi);
    rest = head.replace(/\\/g, '/') + (qi === -1 ? '' : rest.slice(qi));
    if (!slashesDenoteHost && !/#/.test(rest)) {
      const simple = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/.exec(rest);
      if (simple) {
        u.path = rest;
        u.href = rest;
        u.pathname = simple[1];
        if (simple[2]) {
          u.search = simple[2];
          u.query = parseQueryString ? require('querystring').parse(u.search.slice(1)) : u.search.slice(1);
        } else if (parseQueryString) {
          u.search = null;
          u.query = Object.create(null);
        }
        return u;
      }
    }
    const proto = /^[a-z0-9.+-]+:/i.exec(rest);
    let lowerProto;
    if (proto) {
      lowerProto = proto[0].toLowerCase();
      u.protocol = lowerProto;
      rest = rest.slice(proto[0].length);
    }
    let slashes;
    if (slashesDenoteHost || proto || /^\/\/[^@/]+@[^@/]+/.test(rest)) {
      slashes = rest.startsWith('//');
      if (slashes && !(proto && hostlessProtocol[lowerProto])) {
        rest = rest.slice(2);
        u.slashes = true;
      }
    }
    if (!hostlessProtocol[lowerProto] && (slashes || (proto && !slashedProtocol[lowerProto]))) {
      let hostEnd = -1;
      for (const ch of ['/', '?', '#']) {
        const i = rest.indexOf(ch);
        if (i !== -1 && (hostEnd === -1 || i < hostEnd)) hostEnd = i;
      }
      const at = hostEnd === -1 ? rest.lastIndexOf('@') : rest.lastIndexOf('@', hostEnd);
      if (at !== -1) {
        u.auth = decodeURIComponent(rest.slice(0, at));
        rest = rest.slice(at + 1);
      }
      hostEnd = -1;
      for (const ch of ['\t', '\n', '\r', ' ', '"', '#', '%', "'", ';', '<', '>', '\\', '^', '`', '{', '|', '}', '/', '?']) {
        const i = rest.indexOf(ch);
        if (i !== -1 && (hostEnd === -1 || i < hostEnd)) hostEnd = i;
      }
      if (hostEnd === -1) hostEnd = rest.length;
      u.host = rest.slice(0, hostEnd);
      rest = rest.slice(hostEnd);
      const portMatch = /:[0-9]*$/.exec(u.host);
      if (portMatch) {
        if (portMatch[0] !== ':') u.port = portMatch[0].slice(1);
        u.host = u.host.slice(0, u.host.length - portMatch[0].length);
      }
      u.hostname = u.host;
      const ipv6 = u.hostname.startsWith('[') && u.hostname.endsWith(']');
      if (!ipv6) {
        const bad = /[^A-Za-z0-9_.+-]/.exec(u.hostname.replace(/[^\x00-\x7f]/g, 'x'));
        if (bad) {
          rest = u.hostname.slice(bad.index) + rest;
          u.hostname = u.hostname.slice(0, bad.index);
          if (rest && rest[0] !== '/') rest = '/' + rest;
        }
      }
      if (u.hostname.length > 255) u.hostname = '';
      else u.hostname = u.hostname.toLowerCase();
      if (!ipv6 && /[^\x00-\x7f]/.test(u.hostname)) u.hostname = domainToASCIIInternal(u.hostname);
      u.host = u.hostname + (u.port ? ':' + u.port : '');
      if (ipv6) {
        u.hostname = u.hostname.slice(1, -1);
        if (rest[0] !== '/') rest = '/' + rest;
      }
    }
    if (!/^(javascript):$/.test(lowerProto || '')) rest = escapeLegacy(rest);
    const hash = rest.indexOf('#');
    if (hash !== -1) {
      u.hash = rest.slice(hash);
      rest = rest.slice(0, hash);
    }
    const qm = rest.indexOf('?');
    if (qm !== -1) {
      u.search = rest.slice(qm);
      u.query = rest.slice(qm + 1);
      if (parseQueryString) u.query = require('querystring').parse(u.query);
      rest = rest.slice(0, qm);
    } else if (parseQueryString) {
      u.search = null;
      u.query = Object.create(null);
    }
    const firstIdx = qm === -1 ? -1 : 0;
    if (rest) u.pathname = rest;
    if (slashedProtocol[lowerProto] && u.hostname && !u.pathname) u.pathname = '/';
    if (u.pathname || u.search) u.path = (u.pathname || '') + (u.search || '');
    void firstIdx;
    u.href = legacyFormat(u);
    return u;
  }
  function legacyFormat(obj, options) {
    if (typeof obj === 'string') obj = legacyParse(obj);
    else if (obj instanceof URL) {
      const o = options || {};
      const r = rec(obj);
      let out = r.scheme + ':';
      if (r.host !== null) {
        out += '//';
        if (o.auth !== false && (r.username || r.password)) out += r.username + (r.password ? ':' + r.password : '') + '@';
        out += o.unicode ? r.host : r.host;
        if (r.port !== null) out += ':' + r.port;
      }
      out += serializePath(r);
      if (o.search !== false && r.query !== null) out += '?' + r.query;
      if (o.fragment !== false && r.fragment !== null) out += '#' + r.fragment;
      return out;
    } else if (obj === null || typeof obj !== 'object') {
      const e = new TypeError('The "urlObject" argument must be one of type object or string.');
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    let auth = obj.auth || '';
    if (auth) auth = encodeURIComponent(auth).replace(/%3A/i, ':') + '@';
    let protocol = obj.protocol || '';
    let pathname = obj.pathname || '';
    let hash = obj.hash || '';
    let host = '';
    let query = '';
    if (obj.host) host = auth + obj.host;
    else if (obj.hostname) {
      host = auth + (obj.hostname.includes(':') && !obj.hostname.startsWith('[') ? '[' + obj.hostname + ']' : obj.hostname);
      if (obj.port) host += ':' + obj.port;
    }
    if (obj.query !== null && typeof obj.query === 'object') query = require('querystring').stringify(obj.query);
    let search = obj.search || (query && '?' + query) || '';
    if (protocol && protocol.charCodeAt(protocol.length - 1) !== 58) protocol += ':';
    pathname = pathname.replace(/[?#]/g, (c) => encodeURIComponent(c));
    if (obj.slashes || slashedProtocol[protocol]) {
      if (obj.slashes || host) {
        if (pathname && pathname[0] !== '/') pathname = '/' + pathname;
        host = '//' + host;
      } else if (protocol.length >= 4 && protocol.startsWith('file')) {
        host = '//';
      }
    }
    search = search.replace(/#/g, '%23');
    if (hash && hash[0] !== '#') hash = '#' + hash;
    if (search && search[0] !== '?') search = '?' + search;
    return protocol + host + pathname + search + hash;
  }
  Url.prototype.format = function format() {
    return legacyFormat(this);
  };
  function legacyResolve(from, to) {
    const base = new URL(from, 'resolve://');
    const r = new URL(to, base);
    if (base.protocol === 'resolve:') {
      const { pathname, search, hash } = r;
      if (pathname.startsWith('/') && !from.startsWith('/')) return pathname.slice(1) + search + hash;
      return pathname + search + hash;
    }
    return r.toString();
  }

  return {
    URL,
    URLSearchParams,
    domainToASCII,
    domainToUnicode,
    fileURLToPath,
    pathToFileURL,
    urlToHttpOptions,
    parse: legacyParse,
    format: legacyFormat,
    resolve: legacyResolve,
    resolveObject: () => {
      throw new Error('url.resolveObject is not supported in sandbox');
    },
    Url,
  };
});
