using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vinculo.Import;

/// <summary>
/// Natural keys of the messages of one export: SHA-256 of who wrote, the local time as written and what was written,
/// cut to 128 bits (32 hex digits). The same message gets the same key in every export that holds it, so that
/// importing a file twice, or two overlapping exports of one chat, adds nothing new:
/// <list type="bullet">
/// <item>Who: the counterpart's E.164 (its folded saved name when no number is known), or the group member's E.164.</item>
/// <item>What: the text without direction marks, surrounding spaces and the "edited" marker; any media placeholder
/// counts as the same "&lt;media&gt;" and any deleted marker as "&lt;deleted&gt;", so an export with media and one
/// without agree.</item>
/// <item>The same person writing the same thing twice in the same minute (Android has no seconds) gets a different key
/// for each repeat, counted in file order. Only the repeats within one timestamp are counted, so memory stays flat; the cost is
/// that an export starting between two such repeats numbers them from its own start.</item>
/// </list>
/// </summary>
internal sealed class ChatMessageKeys
{
    private const string Version = "whatsapp-chat-v1";

    /// <summary>Bounds the repeat counter of one timestamp (only a damaged file has this many messages in a minute).</summary>
    private const int MaxTrackedPerTimestamp = 4096;

    private readonly Dictionary<UInt128, int> repeats = [];
    private DateTime timestamp;
    private byte[] bytes = new byte[256];

    public string Next(string who, DateTime local, ChatMessageKind kind, ReadOnlySpan<char> text)
    {
        if (local != timestamp)
        {
            repeats.Clear();
            timestamp = local;
        }

        ReadOnlySpan<char> what = kind switch
        {
            ChatMessageKind.Media => "<media>",
            ChatMessageKind.Deleted => "<deleted>",
            _ => ChatPhrases.WithoutEditedMarker(text),
        };

        Span<char> when = stackalloc char[19];
        local.TryFormat(when, out _, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

        Span<byte> hash = stackalloc byte[32];
        Hash(Version, who, when, what, hash);
        var first = BinaryPrimitives.ReadUInt128LittleEndian(hash);
        repeats.TryGetValue(first, out var seen);
        if (seen < int.MaxValue && (seen > 0 || repeats.Count < MaxTrackedPerTimestamp))
        {
            repeats[first] = seen + 1;
        }

        if (seen > 0)
        {
            // In the label, where no text can reach: "…v1#1\n" never equals "…v1\n" followed by anything.
            Hash(Version + "#" + seen.ToString(CultureInfo.InvariantCulture), who, when, what, hash);
        }

        return Convert.ToHexStringLower(hash[..16]);
    }

    private void Hash(string label, string who, ReadOnlySpan<char> when, ReadOnlySpan<char> what, Span<byte> hash)
    {
        var length = 0;
        Append(ref length, label);
        Append(ref length, who);
        Append(ref length, when);
        Append(ref length, what);
        SHA256.HashData(bytes.AsSpan(0, length), hash);
    }

    /// <summary>Appends the text and a line feed as UTF-8 (a separator no field holds at its ends).</summary>
    private void Append(ref int length, ReadOnlySpan<char> text)
    {
        var needed = length + Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
        if (needed > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(needed, bytes.Length * 2));
        }

        length += Encoding.UTF8.GetBytes(text, bytes.AsSpan(length));
        bytes[length++] = (byte)'\n';
    }
}
