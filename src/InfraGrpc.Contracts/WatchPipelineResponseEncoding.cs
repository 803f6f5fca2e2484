using Google.Protobuf;

namespace InfraGrpc.Contracts.V1;

/// <summary>Encode once, send to many: what lets one pipeline event reach hundreds of watchers at the cost of a copy each.</summary>
public sealed partial class WatchPipelineResponse
{
    /// <summary>
    /// A message that serialises to exactly <paramref name="encoded"/> (the wire bytes of a
    /// <see cref="WatchPipelineResponse"/>) without encoding it again. Every field is kept as one of
    /// protobuf's preserved unknown fields, which serialisation writes back byte for byte, so its typed
    /// properties read as empty. Share it, never change it: serialising it from many threads at once only reads.
    /// </summary>
    public static WatchPipelineResponse FromEncoded(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var message = new WatchPipelineResponse();
        var input = new CodedInputStream(encoded);
        while (input.ReadTag() != 0)
        {
            message._unknownFields = UnknownFieldSet.MergeFieldFrom(message._unknownFields, input);
        }

        return message;
    }
}
