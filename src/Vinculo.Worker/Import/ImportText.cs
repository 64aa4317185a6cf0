using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Vinculo.Import;

/// <summary>
/// Opens the text of a dropped file, streamed: a <c>.txt</c> as it is, a <c>.zip</c> through its chat entry, decoded as
/// UTF-8 (with or without a byte order mark; UTF-16 when its mark says so) or, when the bytes are not valid UTF-8,
/// as Windows-1252, which is what Brazilian Excel and older Windows tools write.
/// </summary>
internal static class ImportText
{
    private const int BufferSize = 1 << 16;

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Opens the chat text from its start, each time it is called (the parser reads it twice).</summary>
    /// <exception cref="UnreadableFileException">A .zip that is damaged or holds no chat text.</exception>
    public static Func<TextReader> ChatText(string path)
    {
        Func<Stream> open = Path.GetExtension(path).Equals(".zip", StringComparison.OrdinalIgnoreCase) ? () => ZippedChat(path) : () => OpenFile(path);
        var encoding = Detect(open);
        return () => new StreamReader(open(), encoding, detectEncodingFromByteOrderMarks: true, BufferSize);
    }

    public static TextReader PlainText(string path)
    {
        var encoding = Detect(() => OpenFile(path));
        return new StreamReader(OpenFile(path), encoding, detectEncodingFromByteOrderMarks: true, BufferSize);
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes: how <c>import_files</c> knows a file without its name.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = OpenFile(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferSize, FileOptions.SequentialScan);

    /// <summary>UTF-8 unless the bytes are not valid UTF-8 (then Windows-1252); a byte order mark, read later, wins over both.</summary>
    internal static Encoding Detect(Func<Stream> open)
    {
        using var stream = open();
        var bytes = ArrayPool<byte>.Shared.Rent(BufferSize);
        var chars = ArrayPool<char>.Shared.Rent(BufferSize);
        try
        {
            var decoder = StrictUtf8.GetDecoder();
            int read;
            while ((read = stream.Read(bytes, 0, BufferSize)) > 0)
            {
                if (!TryDecode(decoder, bytes.AsSpan(0, read), chars, flush: false))
                {
                    return Windows1252;
                }
            }

            return TryDecode(decoder, [], chars, flush: true) ? Encoding.UTF8 : Windows1252;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool TryDecode(Decoder decoder, ReadOnlySpan<byte> bytes, char[] chars, bool flush)
    {
        try
        {
            do
            {
                decoder.Convert(bytes, chars, flush, out var used, out _, out _);
                bytes = bytes[used..];
            }
            while (!bytes.IsEmpty);

            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The <c>_chat.txt</c> of an iPhone export, or the only <c>.txt</c> of an archive, streamed from the archive.</summary>
    private static EntryStream ZippedChat(string path)
    {
        var file = OpenFile(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException)
        {
            file.Dispose();
            throw new UnreadableFileException("O arquivo .zip está corrompido ou não é um .zip: não foi possível abri-lo.");
        }

        try
        {
            var texts = archive.Entries.Where(entry => entry.Name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).ToList();
            var chat = texts.Find(entry => entry.Name.Equals("_chat.txt", StringComparison.OrdinalIgnoreCase))
                ?? (texts.Count == 1 ? texts[0] : null)
                ?? throw new UnreadableFileException(texts.Count == 0
                    ? "O arquivo .zip não contém nenhuma conversa (_chat.txt ou outro .txt)."
                    : "O arquivo .zip contém vários .txt e nenhum _chat.txt: não é possível saber qual é a conversa.");
            return new EntryStream(archive, chat.Open());
        }
        catch (InvalidDataException)
        {
            archive.Dispose();
            throw new UnreadableFileException("O arquivo .zip está corrompido: a conversa dentro dele não pôde ser lida.");
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>One entry's stream that closes its archive with it, so that disposing the reader is enough.</summary>
    private sealed class EntryStream(ZipArchive archive, Stream entry) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        /// <remarks>A damaged deflate stream surfaces half-way through: it is the file's fault, not the import's.</remarks>
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return entry.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw new UnreadableFileException("O arquivo .zip está corrompido: a conversa dentro dele não pôde ser lida até o fim.");
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                entry.Dispose();
                archive.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
