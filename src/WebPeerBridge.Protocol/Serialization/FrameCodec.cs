using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Serialization;

/// <summary>
/// Turns one line into a <see cref="Frame"/> and a frame into one line. Decoding never throws for bad input:
/// it reports <see cref="ErrorCodes.BadJson"/>, <see cref="ErrorCodes.UnknownType"/> or <see cref="ErrorCodes.BadFrame"/>.
/// </summary>
public static class FrameCodec
{
    private static readonly JsonSerializerOptions s_options = new(WireJson.Default.Options)
    {
        Encoder = MinimalJsonEncoder.Instance,
        TypeInfoResolver = WireJson.Default.WithAddedModifier(NullableMeansOptional),
    };

    private static readonly JsonTypeInfo<Frame> s_frameInfo = (JsonTypeInfo<Frame>)s_options.GetTypeInfo(typeof(Frame));

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = MinimalJsonEncoder.Instance,
        Indented = false,
        SkipValidation = true,
    };

    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 64 };

    private const int ScratchSize = 4096;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Options the codec uses, for callers that serialize parts of frames themselves.</summary>
    public static JsonWriterOptions WriterOptions => s_writerOptions;

    /// <summary>Decodes one line (without its newline).</summary>
    public static DecodeResult Decode(ReadOnlySequence<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, s_readerOptions);
            var frame = JsonSerializer.Deserialize(ref reader, s_frameInfo);

            // Deserialize stops after one value; this Read throws for anything but white space after it.
            if (reader.Read())
            {
                return DecodeResult.Fail(ErrorCodes.BadJson, "A line holds one JSON value.");
            }

            return frame switch
            {
                null => DecodeResult.Fail(ErrorCodes.BadFrame, "A frame is a JSON object."),

                // RespectNullableAnnotations does not look inside collections.
                Welcome welcome when welcome.Peers.Any(p => p is null) || welcome.History.Any(s => s is null) =>
                    DecodeResult.Fail(ErrorCodes.BadFrame, "Invalid 'welcome' frame: a list holds null."),
                _ => DecodeResult.Success(frame),
            };
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return Classify(line, ex);
        }
    }

    /// <inheritdoc cref="Decode(ReadOnlySequence{byte})"/>
    public static DecodeResult Decode(ReadOnlySpan<byte> line) => Decode(new ReadOnlySequence<byte>(line.ToArray()));

    /// <summary>Writes <paramref name="frame"/> as one line, newline included, through a reusable <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, IBufferWriter<byte> output, Frame frame)
    {
        writer.Reset(output);
        if (frame is Said said)
        {
            // The broadcast, once per message: written by hand, because the polymorphic envelope costs an allocation
            // per frame (System.Text.Json's write stack). Same bytes as the serializer writes (tested).
            WriteSaid(writer, said);
        }
        else
        {
            JsonSerializer.Serialize(writer, frame, s_frameInfo);
        }

        writer.Flush();
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <summary>Writes <paramref name="frame"/> as one line, newline included.</summary>
    public static void Write(IBufferWriter<byte> output, Frame frame)
    {
        using var writer = new Utf8JsonWriter(output, s_writerOptions);
        Write(writer, output, frame);
    }

    /// <summary>Serializes <paramref name="frame"/> once into its own array, newline included: bytes to share between many receivers.</summary>
    public static byte[] ToLine(Frame frame)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(ScratchSize);
        var writer = t_writer ??= new Utf8JsonWriter(scratch, s_writerOptions);
        scratch.ResetWrittenCount();
        Write(writer, scratch, frame);
        var line = scratch.WrittenSpan.ToArray();
        if (scratch.Capacity > 16 * ScratchSize)
        {
            // One large welcome must not pin megabytes on every thread that ever wrote one.
            t_scratch = null;
            t_writer = null;
        }

        return line;
    }

    /// <summary>Creates a writer to pass to <see cref="Write(Utf8JsonWriter, IBufferWriter{byte}, Frame)"/> for a connection's lifetime.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, s_writerOptions);

    /// <summary>Writes a <see cref="Said"/> exactly as the serializer would, without allocating.</summary>
    internal static void WriteSaid(Utf8JsonWriter writer, Said said)
    {
        writer.WriteStartObject();
        writer.WriteString(s_type, FrameTypes.Said);
        writer.WriteNumber(s_seq, said.Seq);
        if (said.Id is not null)
        {
            writer.WriteString(s_id, said.Id);
        }

        writer.WriteString(s_from, said.From);
        writer.WriteString(s_text, said.Text);
        writer.WritePropertyName(s_at);
        s_timestamps.Write(writer, said.At, s_options);
        writer.WriteEndObject();
    }

    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_from = JsonEncodedText.Encode("from");
    private static readonly JsonEncodedText s_text = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText s_at = JsonEncodedText.Encode("at");
    private static readonly UtcTimestampConverter s_timestamps = new();

    // Only the error path gets here: find out which rule the line broke.
    private static DecodeResult Classify(ReadOnlySequence<byte> line, Exception ex)
    {
        string? type = null;
        var depth = 0;
        try
        {
            var reader = new Utf8JsonReader(line, s_readerOptions);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString();
                        if (depth == 1 && name == "type" && reader.Read())
                        {
                            type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                            {
                                depth++;
                            }
                        }

                        break;
                    case JsonTokenType.String:
                        // Throws for invalid UTF-16 such as a lone "\ud800".
                        _ = reader.GetString();
                        break;
                }
            }
        }
        catch (Exception inner) when (inner is JsonException or InvalidOperationException)
        {
            return DecodeResult.Fail(ErrorCodes.BadJson, "The line is not valid JSON: " + FirstSentence(inner.Message));
        }

        if (type is null)
        {
            return DecodeResult.Fail(ErrorCodes.BadFrame, "A frame is a JSON object with a string \"type\".");
        }

        if (!FrameTypes.IsKnown(type))
        {
            return DecodeResult.Fail(ErrorCodes.UnknownType, $"Unknown frame type '{Truncate(type)}'.");
        }

        return DecodeResult.Fail(ErrorCodes.BadFrame, $"Invalid '{type}' frame: " + FirstSentence(ex.Message));
    }

    // "Optional fields may be absent or null": a nullable constructor parameter without a default (Said.Id) would
    // otherwise be required by RespectRequiredConstructorParameters, though the writer omits it when null.
    private static void NullableMeansOptional(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (property.AssociatedParameter is { IsNullable: true })
            {
                property.IsRequired = false;
            }
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return Truncate(end < 0 ? message : message[..(end + 1)], 200);
    }

    private static string Truncate(string text, int max = 40) => text.Length <= max ? text : text[..max] + "…";
}
