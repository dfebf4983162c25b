namespace WeComSuccession.Dashboard.Exports;

/// <summary>
/// Where <see cref="System.IO.Compression.ZipArchive"/> writes before the bytes go to the response: it takes
/// writes, synchronous ones included (ZipArchive still writes synchronously when an entry or the archive is
/// closed, even through its asynchronous API), keeps them in memory, and hands them on with
/// <see cref="DrainAsync"/>, asynchronously, as Kestrel requires. Forward-only: the zip writer, seeing it cannot
/// seek, puts sizes after each entry's data instead of going back. What it holds is bounded by how often the
/// writer drains it, not by the size of the file.
/// </summary>
internal sealed class SpoolStream(Stream output) : Stream
{
    private readonly MemoryStream _held = new();

    /// <summary>Bytes taken and not handed on yet.</summary>
    public long Held => _held.Length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Hands what is held to the output and forgets it.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        if (_held.Length == 0)
        {
            return;
        }

        await output.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), ct);
        _held.SetLength(0);
    }

    public override void Write(byte[] buffer, int offset, int count) => _held.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _held.Write(buffer);

    public override void WriteByte(byte value) => _held.WriteByte(value);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _held.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _held.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to do: bytes leave only through <see cref="DrainAsync"/>.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _held.Dispose();
        }

        base.Dispose(disposing);
    }
}
