export function serializeError(error) {
    if (error instanceof Error) {
        const status = error.status;
        return { name: error.name, message: error.message, ...(typeof status === 'number' ? { status } : {}) };
    }
    return { name: 'Error', message: String(error) };
}
