export function serializeError(error) {
    if (error instanceof Error) {
        const { status, imageIndex } = error;
        return {
            name: error.name,
            message: error.message,
            ...(typeof status === 'number' ? { status } : {}),
            ...(typeof imageIndex === 'number' ? { imageIndex } : {}),
        };
    }
    return { name: 'Error', message: String(error) };
}
