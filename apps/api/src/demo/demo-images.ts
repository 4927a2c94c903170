import sharp from 'sharp';

/** The pictures of the demo posts, drawn here (no binary files in the repository) and uploaded like any image. */
export type DemoImage = 'workshop' | 'blueprint' | 'ride' | 'charging' | 'crate' | 'chart';

const svg = (width: number, height: number, body: string) =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

function wheel(cx: number, cy: number, r: number, stroke: string): string {
  const spokes = Array.from({ length: 12 }, (_, i) => {
    const a = (i * Math.PI) / 6;
    return `<line x1="${cx}" y1="${cy}" x2="${(cx + r * Math.cos(a)).toFixed(1)}" y2="${(cy + r * Math.sin(a)).toFixed(1)}" stroke="${stroke}" stroke-width="1.5"/>`;
  }).join('');
  return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${stroke}" stroke-width="${r / 8}"/>${spokes}`;
}

/** A bike seen from the side, its rear wheel at `x`, standing on y = `ground`. */
function bike(x: number, ground: number, scale: number, frame: string, tyre = '#222'): string {
  const r = 34 * scale;
  const rear = x + r;
  const front = rear + 110 * scale;
  const hub = ground - r;
  const crank = rear + 45 * scale;
  const seat = rear + 30 * scale;
  const head = front - 15 * scale;
  return [
    wheel(rear, hub, r, tyre),
    wheel(front, hub, r, tyre),
    `<polyline points="${rear},${hub} ${crank},${hub} ${seat},${hub - 55 * scale} ${rear},${hub}" fill="none" stroke="${frame}" stroke-width="${5 * scale}"/>`,
    `<polyline points="${crank},${hub} ${head},${hub - 50 * scale} ${seat},${hub - 55 * scale}" fill="none" stroke="${frame}" stroke-width="${5 * scale}"/>`,
    `<line x1="${head}" y1="${hub - 50 * scale}" x2="${front}" y2="${hub}" stroke="${frame}" stroke-width="${4 * scale}"/>`,
    `<line x1="${head}" y1="${hub - 50 * scale}" x2="${head - 4 * scale}" y2="${hub - 66 * scale}" stroke="#333" stroke-width="${4 * scale}"/>`,
    `<line x1="${seat - 3 * scale}" y1="${hub - 62 * scale}" x2="${seat + 12 * scale}" y2="${hub - 62 * scale}" stroke="#333" stroke-width="${5 * scale}"/>`,
  ].join('');
}

function drawing(image: DemoImage): { source: Buffer; format: 'png' | 'jpeg' } {
  switch (image) {
    case 'workshop': {
      const stands = [90, 330, 570]
        .map(
          (x, i) =>
            `<rect x="${x + 40}" y="250" width="8" height="230" fill="#555"/>` +
            bike(x - 10, 470, 1.2, ['#e4572e', '#2e86ab', '#f3a712'][i]!),
        )
        .join('');
      return {
        source: svg(
          960,
          640,
          `<rect width="960" height="640" fill="#f1ede4"/>` +
            `<rect x="0" y="0" width="960" height="180" fill="#d9e4ec"/>` +
            [60, 300, 540, 780]
              .map((x) => `<rect x="${x}" y="30" width="140" height="110" fill="#fff" stroke="#9aa" stroke-width="6"/>`)
              .join('') +
            `<rect x="0" y="480" width="960" height="160" fill="#8d8478"/>` +
            `<rect x="760" y="300" width="170" height="180" fill="#c0392b" rx="8"/>` +
            `<rect x="780" y="320" width="130" height="30" fill="#922b21"/>` +
            stands,
        ),
        format: 'jpeg',
      };
    }
    case 'blueprint': {
      const grid = Array.from({ length: 20 }, (_, i) =>
        [
          `<line x1="${i * 40}" y1="0" x2="${i * 40}" y2="600" stroke="#2f5d8a" stroke-width="1"/>`,
          `<line x1="0" y1="${i * 40}" x2="800" y2="${i * 40}" stroke="#2f5d8a" stroke-width="1"/>`,
        ].join(''),
      ).join('');
      return {
        source: svg(
          800,
          600,
          `<rect width="800" height="600" fill="#123a63"/>${grid}` +
            bike(120, 440, 2.6, '#ffffff', '#dfe9f5') +
            `<rect x="430" y="250" width="230" height="70" fill="none" stroke="#fff" stroke-width="4" stroke-dasharray="12 6"/>` +
            `<line x1="150" y1="520" x2="690" y2="520" stroke="#9cc3e6" stroke-width="2"/>` +
            `<polyline points="150,510 150,530" stroke="#9cc3e6" stroke-width="2"/><polyline points="690,510 690,530" stroke="#9cc3e6" stroke-width="2"/>`,
        ),
        format: 'png',
      };
    }
    case 'ride': {
      const riders = [0, 1, 2, 3, 4]
        .map((i) => bike(120 + i * 150, 520 - i * 18, 0.9, ['#e4572e', '#2e86ab', '#f3a712', '#4caf50', '#8e44ad'][i]!))
        .join('');
      return {
        source: svg(
          1024,
          640,
          `<rect width="1024" height="640" fill="#9fd3f0"/>` +
            `<circle cx="840" cy="110" r="60" fill="#ffd34e"/>` +
            `<polygon points="0,420 220,200 430,420" fill="#6b8e9e"/><polygon points="300,420 560,150 820,420" fill="#58788a"/>` +
            `<polygon points="640,420 860,230 1024,380 1024,420" fill="#6b8e9e"/>` +
            `<rect x="0" y="400" width="1024" height="240" fill="#7fb069"/>` +
            `<polygon points="0,560 1024,420 1024,470 0,640" fill="#9b9b9b"/>` +
            riders,
        ),
        format: 'jpeg',
      };
    }
    case 'charging': {
      const bays = Array.from({ length: 8 }, (_, i) => {
        const x = 40 + i * 115;
        const full = i % 3 !== 1;
        return (
          `<rect x="${x}" y="120" width="70" height="110" fill="#dcdcdc" rx="6"/>` +
          `<circle cx="${x + 35}" cy="150" r="9" fill="${full ? '#2ecc71' : '#f39c12'}"/>` +
          `<path d="M ${x + 35} 230 C ${x + 35} 330, ${x + 75} 380, ${x + 55} 490" stroke="#111" stroke-width="5" fill="none"/>` +
          bike(x - 5, 560, 0.6, '#2e86ab')
        );
      }).join('');
      return {
        source: svg(
          1000,
          620,
          `<rect width="1000" height="620" fill="#e9e6df"/><rect x="0" y="0" width="1000" height="90" fill="#5d6d7e"/>` +
            `<rect x="0" y="560" width="1000" height="60" fill="#7b7d7d"/>${bays}`,
        ),
        format: 'jpeg',
      };
    }
    case 'crate': {
      return {
        source: svg(
          800,
          560,
          `<rect width="800" height="560" fill="#fbf8ef"/>` +
            Array.from(
              { length: 14 },
              (_, i) =>
                `<line x1="0" y1="${40 + i * 38}" x2="800" y2="${40 + i * 38}" stroke="#cfe0ee" stroke-width="2"/>`,
            ).join('') +
            `<polygon points="220,220 470,150 640,220 390,300" fill="#e8c07d" stroke="#5a3e1b" stroke-width="4"/>` +
            `<polygon points="220,220 390,300 390,470 220,390" fill="#d4a45a" stroke="#5a3e1b" stroke-width="4"/>` +
            `<polygon points="390,300 640,220 640,390 390,470" fill="#c08a3e" stroke="#5a3e1b" stroke-width="4"/>` +
            [0, 1, 2]
              .map(
                (i) =>
                  `<line x1="${420 + i * 70}" y1="${300 - i * 23 + 20}" x2="${420 + i * 70}" y2="${450 - i * 23}" stroke="#5a3e1b" stroke-width="3"/>`,
              )
              .join('') +
            `<path d="M 660 120 q 40 -30 80 0" stroke="#2e86ab" stroke-width="5" fill="none"/><polygon points="740,120 728,100 752,104" fill="#2e86ab"/>`,
        ),
        format: 'png',
      };
    }
    case 'chart': {
      const health = [96, 91, 88, 84, 79, 73, 92, 67, 85, 58, 90, 81];
      const bars = health
        .map((h, i) => {
          const height = h * 3.6;
          const colour = h < 70 ? '#e74c3c' : h < 80 ? '#f39c12' : '#27ae60';
          return `<rect x="${70 + i * 58}" y="${440 - height}" width="40" height="${height}" fill="${colour}" rx="4"/>`;
        })
        .join('');
      return {
        source: svg(
          800,
          500,
          `<rect width="800" height="500" fill="#ffffff"/><rect x="0" y="0" width="800" height="50" fill="#1f3a5f"/>` +
            [0, 1, 2, 3, 4]
              .map(
                (i) =>
                  `<line x1="60" y1="${440 - i * 90}" x2="780" y2="${440 - i * 90}" stroke="#e5e8eb" stroke-width="2"/>`,
              )
              .join('') +
            `<line x1="60" y1="440" x2="780" y2="440" stroke="#34495e" stroke-width="3"/>${bars}` +
            `<line x1="60" y1="${440 - 70 * 3.6}" x2="780" y2="${440 - 70 * 3.6}" stroke="#e74c3c" stroke-width="2" stroke-dasharray="10 6"/>`,
        ),
        format: 'png',
      };
    }
  }
}

/** The picture as a PNG or JPEG file, as a phone or a camera would upload it. */
export async function demoImage(image: DemoImage): Promise<Buffer> {
  const { source, format } = drawing(image);
  const pipeline = sharp(source);
  return format === 'png' ? pipeline.png().toBuffer() : pipeline.jpeg({ quality: 82 }).toBuffer();
}
