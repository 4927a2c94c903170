import {
  Controller,
  Get,
  HttpException,
  Injectable,
  Param,
  PayloadTooLargeException,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
  type CallHandler,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { catchError, throwError, type Observable } from 'rxjs';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { RateLimit } from '@ruche/graphql';
import { badInput } from '@ruche/kernel';
import { MAX_UPLOAD_BYTES, VARIANT_WIDTHS } from './images';
import { Uploads, type UploadedImage, type VariantWidth } from './uploads.service';

/**
 * multer's refusals (file too large, more than one file, a field other than `file`, malformed multipart)
 * arrive as Nest HTTP exceptions; they answer like any other input error: BAD_USER_INPUT on `file`.
 */
@Injectable()
export class MultipartErrors implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => asInputError(error))));
  }
}

function asInputError(error: unknown): unknown {
  if (error instanceof PayloadTooLargeException) {
    return badInput({ file: [`is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`] });
  }
  if (!(error instanceof HttpException)) return error;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  const tooMany = code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FIELD_COUNT';
  return badInput({ file: [tooMany ? 'must be sent alone, as the multipart field "file"' : 'could not be read'] });
}

interface MultipartFile {
  buffer: Buffer;
}

/** `?w=`: absent, or one of the fixed widths (a free width would let anyone make the server resize at will). */
function variantWidth(w: unknown): VariantWidth | undefined {
  if (w === undefined) return undefined;
  const width = VARIANT_WIDTHS.find((v) => String(v) === w);
  if (width === undefined) throw badInput({ w: [`must be one of ${VARIANT_WIDTHS.join(', ')}`] });
  return width;
}

/**
 * `POST /uploads` (multipart field `file`) and `GET /uploads/:id[?w=<width>]`; both need a signed-in viewer.
 */
@Controller('uploads')
export class UploadsController {
  constructor(private readonly uploads: Uploads) {}

  @Post()
  @RateLimit('uploads')
  @UseInterceptors(
    MultipartErrors,
    // In memory (at most 10 MB): the bytes are checked and re-encoded before anything is written.
    FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 0 } }),
  )
  async upload(@CurrentViewer() viewer: Viewer, @UploadedFile() file?: MultipartFile): Promise<UploadedImage> {
    if (!file) throw badInput({ file: ['is required (multipart/form-data field "file")'] });
    return this.uploads.create(viewer.userId, file.buffer);
  }

  @Get(':id')
  async show(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Query('w') w: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.uploads.open(viewer.userId, id, variantWidth(w));
    // Set only once access is granted: a refusal must not be cached. Private: the answer depends on the viewer.
    // Immutable: the bytes under a URL never change (stored once, under a key never reused).
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(file.stream, { type: file.contentType, length: file.bytes });
  }
}
