import { decideFaceEvents } from './face-events.service';

function unit(...values: number[]): Float32Array {
  const v = new Float32Array(8);
  values.forEach((x, i) => (v[i] = x));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const thresholds = { matchCosine: 0.41, sameCosine: 0.41 };

describe('decideFaceEvents', () => {
  it('calls a face matching a cluster a known person and one below the bar a stranger', () => {
    const [known, stranger, empty] = decideFaceEvents(
      [
        { embedding: unit(1), best: { clusterId: 'c1', cosine: 0.6 } },
        { embedding: unit(0, 1), best: { clusterId: 'c1', cosine: 0.3 } },
        { embedding: unit(0, 0, 1), best: null },
      ],
      [],
      thresholds,
    );
    expect(known).toEqual({ kind: 'KnownPerson', clusterId: 'c1', similarity: expect.any(Number), sameAs: null });
    expect(known.similarity).toBeGreaterThan(0.5);
    expect(stranger).toMatchObject({ kind: 'Stranger', sameAs: null });
    expect(stranger.similarity).toBeLessThan(0.5);
    expect(empty).toEqual({ kind: 'Stranger', similarity: 0, sameAs: null });
  });

  it('recognises the closest recent stranger and a known person already announced in the window', () => {
    const recent = [
      { id: 'e1', kind: 'Stranger', clusterId: null, embedding: unit(1, 0.9) },
      { id: 'e2', kind: 'Stranger', clusterId: null, embedding: unit(1, 0.2) },
      { id: 'e3', kind: 'KnownPerson', clusterId: 'c7', embedding: null },
    ];
    const [again, newStranger, knownAgain, knownNew] = decideFaceEvents(
      [
        { embedding: unit(1, 0.1), best: null },
        { embedding: unit(0, 0, 1), best: null },
        { embedding: unit(0, 1), best: { clusterId: 'c7', cosine: 0.8 } },
        { embedding: unit(0, 1), best: { clusterId: 'c8', cosine: 0.8 } },
      ],
      recent,
      thresholds,
    );
    expect(again).toMatchObject({ kind: 'Stranger', sameAs: 'e2' });
    expect(newStranger).toMatchObject({ kind: 'Stranger', sameAs: null });
    expect(knownAgain).toMatchObject({ kind: 'KnownPerson', clusterId: 'c7', sameAs: 'e3' });
    expect(knownNew).toMatchObject({ kind: 'KnownPerson', clusterId: 'c8', sameAs: null });
  });
});
