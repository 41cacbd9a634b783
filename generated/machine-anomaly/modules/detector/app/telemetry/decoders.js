export function decodeRow(decoder, row) {
    if (decoder.kind === 'regression')
        return { kind: 'regression', value: Number(row[0]), ...(decoder.unit ? { unit: decoder.unit } : {}) };
    if (decoder.kind === 'anomaly') {
        const score = Number(row[0]);
        return { kind: 'anomaly', score, threshold: decoder.threshold, anomaly: score >= decoder.threshold };
    }
    const probabilities = {};
    let best = 0;
    for (let i = 0; i < decoder.labels.length; i++) {
        probabilities[decoder.labels[i]] = Number(row[i]);
        if (Number(row[i]) > Number(row[best]))
            best = i;
    }
    return { kind: 'classification', label: decoder.labels[best], probability: Number(row[best]), probabilities };
}
