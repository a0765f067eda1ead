// benign: category=obfuscation max-plugin=39 max-package=39
// why: a CRC-32 table and checksum over bytes: bit twiddling and hex numbers, nothing hidden.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32Hex(text) {
  return crc32(new TextEncoder().encode(text)).toString(16).padStart(8, '0');
}
