namespace Vinculo.Import;

/// <summary>
/// Reads lines the way <see cref="TextReader.ReadLine"/> does (CR, LF or CRLF ends a line), but into one reused buffer
/// and with a bound: a line longer than <see cref="MaxLineLength"/> is cut there and the rest of it skipped. A file
/// without line breaks (a binary, a huge log) then costs no more memory than a chat, and lines that are skipped
/// (the business's own messages, system lines) cost no allocation at all.
/// </summary>
internal sealed class ChatLineReader(TextReader reader)
{
    /// <summary>Room for the longest message WhatsApp accepts (65,536 characters) with its date, time and sender.</summary>
    public const int MaxLineLength = 1 << 17;

    private readonly char[] buffer = new char[MaxLineLength];
    private int start;
    private int end;
    private bool endOfText;
    private bool skipLineFeed;
    private bool skipRestOfLine;

    /// <param name="line">Valid until the next call.</param>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            if (skipLineFeed && start < end)
            {
                // The CR of a CRLF was the last character of the previous read.
                if (buffer[start] == '\n')
                {
                    start++;
                }

                skipLineFeed = false;
            }

            var pending = buffer.AsSpan(start, end - start);
            var breakAt = pending.IndexOfAny('\r', '\n');
            if (breakAt >= 0)
            {
                var length = 1;
                if (pending[breakAt] == '\r')
                {
                    if (breakAt + 1 < pending.Length)
                    {
                        length = pending[breakAt + 1] == '\n' ? 2 : 1;
                    }
                    else
                    {
                        skipLineFeed = true;
                    }
                }

                start += breakAt + length;
                if (skipRestOfLine)
                {
                    skipRestOfLine = false;
                    continue;
                }

                line = pending[..breakAt];
                return true;
            }

            if (skipRestOfLine)
            {
                start = end = 0;
            }
            else if (endOfText)
            {
                start = end;
                line = pending;
                return !pending.IsEmpty;
            }
            else if (pending.Length == buffer.Length)
            {
                start = end;
                skipRestOfLine = true;
                line = pending;
                return true;
            }

            if (endOfText)
            {
                line = default;
                return false;
            }

            if (start > 0)
            {
                pending.CopyTo(buffer);
                end = pending.Length;
                start = 0;
            }

            var read = reader.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                endOfText = true;
            }

            end += read;
        }
    }
}
