import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badInput, type FieldErrors } from '@ruche/kernel';

function collect(errors: ValidationError[], prefix: string, into: FieldErrors): FieldErrors {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) into[path] = Object.values(e.constraints);
    if (e.children?.length) collect(e.children, path, into);
  }
  return into;
}

/** Global input validation: unknown properties are refused and every failure becomes BAD_USER_INPUT + fieldErrors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => badInput(collect(errors, '', {})),
  });
}
